/**
 * Grouped bar charts as standalone SVG documents, for the results files (Markdown shows them as images).
 * No dependency, no script, no external font: GitHub serves an SVG image as-is through `<img>`, where only a
 * self-contained document renders. Text widths are estimated (there is no font to measure in Node), so layout
 * errs on the roomy side.
 */

/** A grouped bar chart: one group per category on the x axis, one bar per series within each group. */
export interface BarChart {
  title: string;
  /** What the y axis counts, e.g. `jobs/s` or `ms`. */
  unit: string;
  categories: string[];
  /** `values[i]` belongs to `categories[i]`; a non-finite value (NaN: not measured) draws no bar and says "n/a". */
  series: Array<{ name: string; values: number[] }>;
}

const WIDTH = 720;
const HEIGHT = 400;
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
/** Vega's default categorical scheme (Tableau 10): distinct in print and for the common colour blindnesses. */
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
/**
 * Average glyph width in em of the common sans-serif fonts (0.5-0.6), bold a bit more. Text cannot be measured
 * here, so the wide end is taken (DejaVu Sans, the Linux fallback, is among the widest): text rarely overflows.
 */
const REGULAR = 0.6;
const BOLD = 0.66;
const TITLE_SIZE = 16;
const TEXT = '#222';
const MUTED = '#555';
const GRID = '#e2e2e2';

/** Renders `chart` as an SVG document (a string), about 720 x 400 px, scaling with its viewBox. */
export function renderBarChart(chart: BarChart): string {
  validate(chart);
  const { title, unit, categories, series } = chart;
  const titleLines = wrapTitle(title);
  const legendTop = 20 + titleLines.length * 24;
  const legendRows = series.length > 1 ? legendLayout(series.map((item) => item.name)) : [];
  const plot = {
    left: 74,
    right: WIDTH - 20,
    top: legendTop + legendRows.length * 20 + 18,
    bottom: HEIGHT - 44,
  };
  const finite = series.flatMap((item) => item.values).filter(Number.isFinite);
  const ticks = niceTicks(Math.max(0, ...finite));
  const top = ticks[ticks.length - 1]!;
  const y = (value: number) => plot.bottom - (value / top) * (plot.bottom - plot.top);
  const groupWidth = (plot.right - plot.left) / categories.length;
  const barGap = series.length > 1 ? Math.min(4, groupWidth * 0.02) : 0;
  const barWidth = (groupWidth * 0.75 - barGap * (series.length - 1)) / series.length;
  const labelSize = Math.max(9, Math.min(12, barWidth / 3));
  const tickDecimals = decimalsOf(ticks[1] ?? 1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<g font-family="${escapeXml(FONT)}" fill="${TEXT}">`,
    ...titleLines.map(
      (line, i) =>
        `<text x="${WIDTH / 2}" y="${28 + i * 22}" font-size="${TITLE_SIZE}" font-weight="600" text-anchor="middle">${escapeXml(line)}</text>`,
    ),
  ];
  legendRows.forEach((row, rowIndex) => {
    const rowWidth = row.reduce((total, item) => total + item.width, 0);
    let x = (WIDTH - rowWidth) / 2;
    for (const item of row) {
      const yRow = legendTop + rowIndex * 20;
      out.push(
        `<rect x="${num(x)}" y="${yRow}" width="12" height="12" rx="2" fill="${COLORS[item.index % COLORS.length]}"/>`,
        `<text x="${num(x + 17)}" y="${yRow + 10.5}" font-size="13">${escapeXml(item.label)}</text>`,
      );
      x += item.width;
    }
  });
  // Y axis: grid lines and their labels, then the unit, rotated, along the axis.
  for (const tick of ticks) {
    out.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${num(y(tick))}" y2="${num(y(tick))}" stroke="${tick === 0 ? MUTED : GRID}" stroke-width="1"/>`,
      `<text x="${plot.left - 8}" y="${num(y(tick) + 4)}" font-size="12" fill="${MUTED}" text-anchor="end">${formatNumber(tick, tickDecimals)}</text>`,
    );
  }
  const middle = (plot.top + plot.bottom) / 2;
  out.push(
    `<text transform="translate(18 ${num(middle)}) rotate(-90)" font-size="13" fill="${MUTED}" text-anchor="middle">${escapeXml(fit(unit, plot.bottom - plot.top, 13))}</text>`,
  );
  // Bars, each with its value, and the category under its group.
  categories.forEach((category, c) => {
    const groupLeft = plot.left + c * groupWidth + groupWidth * 0.125;
    series.forEach((item, s) => {
      const value = item.values[c]!;
      const x = groupLeft + s * (barWidth + barGap);
      const center = x + barWidth / 2;
      const label = Number.isFinite(value) ? formatValue(value) : 'n/a';
      const barTop = Number.isFinite(value) ? y(value) : plot.bottom;
      if (Number.isFinite(value)) {
        out.push(
          `<rect x="${num(x)}" y="${num(barTop)}" width="${num(barWidth)}" height="${num(plot.bottom - barTop)}" fill="${COLORS[s % COLORS.length]}">` +
            `<title>${escapeXml(`${item.name}, ${category}: ${label} ${unit}`)}</title></rect>`,
        );
      }
      // A label wider than its bar stands upright above it instead.
      const upright = textWidth(label, labelSize) > barWidth + barGap - 2;
      out.push(
        upright
          ? `<text transform="translate(${num(center + labelSize * 0.35)} ${num(barTop - 4)}) rotate(-90)" font-size="${num(labelSize)}">${escapeXml(label)}</text>`
          : `<text x="${num(center)}" y="${num(barTop - 4)}" font-size="${num(labelSize)}" text-anchor="middle">${escapeXml(label)}</text>`,
      );
    });
    out.push(
      `<text x="${num(plot.left + (c + 0.5) * groupWidth)}" y="${plot.bottom + 20}" font-size="13" text-anchor="middle">${escapeXml(fit(category, groupWidth - 6, 13))}</text>`,
    );
  });
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

function validate(chart: BarChart): void {
  if (typeof chart.title !== 'string' || typeof chart.unit !== 'string')
    throw new TypeError(`renderBarChart: title and unit must be strings, got ${typeof chart.title} and ${typeof chart.unit}`);
  if (!Array.isArray(chart.categories) || chart.categories.length === 0)
    throw new TypeError(`renderBarChart: "${chart.title}" needs at least one category`);
  if (!Array.isArray(chart.series) || chart.series.length === 0)
    throw new TypeError(`renderBarChart: "${chart.title}" needs at least one series`);
  for (const item of chart.series) {
    if (item.values.length !== chart.categories.length)
      throw new TypeError(
        `renderBarChart: series "${item.name}" has ${item.values.length} values for ${chart.categories.length} categories`,
      );
    const negative = item.values.find((value) => value < 0);
    if (negative !== undefined)
      throw new TypeError(`renderBarChart: series "${item.name}" has ${negative}, but the y axis starts at 0`);
  }
}

/** 0 and a few round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `max`. */
function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const count = Math.ceil(max / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Digits after the point that a tick step needs (0 for 50, 1 for 2.5 or 0.5, 2 for 0.25). */
function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 10; decimals += 1)
    if (Math.abs(Number(step.toFixed(decimals)) - step) < 1e-9) return decimals;
  return 10;
}

/** Ticks keep a fixed number of decimals (0.0, 0.5, 1.0); bar values drop trailing zeros (2, 0.42). */
function formatNumber(value: number, decimals: number, minimumDecimals = decimals): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: minimumDecimals, maximumFractionDigits: decimals });
}

/** A bar's value to about three significant digits (1,234 / 98.7 / 4.56 / 0.123). */
function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  return formatNumber(value, magnitude >= 100 || value === 0 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3, 0);
}

/** Estimated width of `text` in px (see REGULAR). */
function textWidth(text: string, fontSize: number, em = REGULAR): number {
  return [...text].length * fontSize * em;
}

/** `text` cut with an ellipsis to fit `width` px. */
function fit(text: string, width: number, fontSize: number, em = REGULAR): string {
  if (textWidth(text, fontSize, em) <= width) return text;
  const keep = Math.max(1, Math.floor(width / (fontSize * em)) - 1);
  return `${[...text].slice(0, keep).join('')}…`;
}

/** The title on one line, or on two balanced ones split at the space nearest its middle, each cut if still too long. */
function wrapTitle(title: string): string[] {
  const width = WIDTH - 40;
  if (textWidth(title, TITLE_SIZE, BOLD) <= width) return [title];
  const spaces = [...title.matchAll(/ /g)].map((match) => match.index);
  if (spaces.length === 0) return [fit(title, width, TITLE_SIZE, BOLD)];
  const middle = spaces.reduce((best, index) =>
    Math.abs(index - title.length / 2) < Math.abs(best - title.length / 2) ? index : best,
  );
  return [title.slice(0, middle), title.slice(middle + 1)].map((line) => fit(line, width, TITLE_SIZE, BOLD));
}

/** Legend entries (swatch, gap, name, spacing) packed into centred rows no wider than the chart. */
function legendLayout(names: string[]): Array<Array<{ index: number; label: string; width: number }>> {
  const rows: Array<Array<{ index: number; label: string; width: number }>> = [[]];
  let used = 0;
  names.forEach((name, index) => {
    const label = fit(name, WIDTH / 2, 13);
    const width = 17 + textWidth(label, 13) + 22;
    if (used + width > WIDTH - 40 && rows[rows.length - 1]!.length > 0) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1]!.push({ index, label, width });
    used += width;
  });
  return rows;
}

/** Coordinates with at most two decimals, so the document stays small. */
function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Text and attribute values: the five XML specials, and no control characters (invalid in XML 1.0). */
function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
