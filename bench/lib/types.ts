import type { Cleanups } from './cleanup';

/** What the runner hands a scenario. */
export interface ScenarioContext {
  /** `--quick`: smaller sizes, for a fast look (noisier figures). */
  quick: boolean;
  /** Register how to stop whatever the scenario starts; the runner stops it all, even on Ctrl-C. */
  cleanups: Cleanups;
  /** Progress lines on stderr (stdout carries the summary). */
  log(line: string): void;
  /**
   * Writes a chart (an SVG document, see `lib/chart.ts`) beside the results file, as
   * bench/results/<date>/<scenario>-<name>.svg, and returns the Markdown that shows it.
   */
  saveChart(name: string, svg: string): Promise<string>;
}

/** What a scenario hands back. */
export interface ScenarioResult {
  /** One line: the requirement and whether this run met it. */
  verdict: { met: boolean | null; text: string };
  /** Problems a reader must not miss (a check that failed); printed loudly in the file and on stdout. */
  problems: string[];
  /** The scenario's section body (tables, method, limitations), in Markdown, without its heading. */
  markdown: string;
  /** A few lines for stdout. */
  summary: string[];
  /** Raw numbers for the JSON file. */
  raw: unknown;
}

export interface Scenario {
  /** The name `--only` selects. */
  name: string;
  title: string;
  /** The requirement being measured, as written. */
  requirement: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}
