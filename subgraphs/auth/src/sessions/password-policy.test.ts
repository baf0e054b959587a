import { createPasswordPolicy, passwordLength, PASSWORD_MAX_INPUT_UNITS, PASSWORD_MIN_LENGTH } from './password-policy';

const policy = createPasswordPolicy();

describe('passwordLength', () => {
  it.each([
    ['ten spaces and a1', `${' '.repeat(10)}a1`, 3],
    ['a passphrase (single spaces count)', 'correct horse 42', 16],
    ['mixed whitespace runs count once each', 'a \t\n b\u00a0\u3000c', 5],
    ['an emoji is one character, not two code units', '😀😇', 2],
    ['full-width letters normalise to plain ones', 'ｃｏｒｒｅｃｔ', 7],
    ['a composed and a decomposed é are alike', 'e\u0301te\u0301', 3],
    ['only whitespace', ' '.repeat(40), 1],
  ])('%s', (_, password, expected) => {
    expect(passwordLength(password)).toBe(expected);
  });

  it('never counts padding with whitespace as more than one character per run (seeded inputs)', () => {
    let seed = 42;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    const alphabet = ['a', 'Z', '7', '€', '漢', '😀', ' ', '\t', '\u3000', 'ｃ'];
    for (let i = 0; i < 500; i += 1) {
      const core = Array.from({ length: next() % 20 }, () => alphabet[next() % alphabet.length]).join('');
      const padded = `${core}${' '.repeat(1 + (next() % 30))}`;
      expect(passwordLength(padded)).toBeLessThanOrEqual(passwordLength(core) + 1);
    }
  });
});

describe('the password policy', () => {
  it('accepts long, uncommon passwords of any kind', () => {
    for (const password of [
      'correct horse battery staple',
      'Bluebird-Kitchen-7',
      'Ωμέγα και άλφα λόγος',
      'my cat is called felix',
    ]) {
      expect(policy.problem(password, ['ada@example.com', 'Ada'])).toBeNull();
    }
  });

  it('refuses short ones, counted in characters', () => {
    expect(policy.problem(`${' '.repeat(10)}a1`, [])).toMatch(/at least 15/);
    expect(policy.problem('😀'.repeat(PASSWORD_MIN_LENGTH - 1), [])).toMatch(/at least 15/);
  });

  it('refuses long ones before any work', () => {
    expect(policy.problem('x'.repeat(129), [])).toMatch(/at most 128/);
    expect(policy.problem('x'.repeat(PASSWORD_MAX_INPUT_UNITS + 1), [])).toMatch(/at most 128/);
  });

  it.each([
    ['a common password', 'password12345678', []],
    ['a common password in capitals and l33t', 'P4SSW0RD12345678', []],
    ['a keyboard row', 'qwertyuiopasdfgh', []],
    ['a sequence', 'abcdefghijklmnop', []],
    ['a repeat', 'trustno1trustno1', []],
    ['pieces of common passwords', 'summer2024summer', []],
    ['the account’s own email', 'ada.lovelace@example.com', ['ada.lovelace@example.com', 'Ada Lovelace']],
    ['the account’s name and digits', 'adalovelace12345', ['ada.lovelace@example.com', 'Ada Lovelace']],
  ])('refuses %s', (_, password, context) => {
    expect(policy.problem(password, context)).toMatch(/too easy to guess/);
  });
});
