/** What the users subgraph takes as a device's name: 1 to 64 characters. */
const MAX_LENGTH = 64;

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chromium\//, 'Chromium'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

const find = (table: [RegExp, string][], userAgent: string) =>
  table.find(([pattern]) => pattern.test(userAgent))?.[1];

/**
 * The name this tab's device gets when it signs up or in ("Chrome on Linux"), from the user agent,
 * so that a list of one's devices says which is which; "Web browser" when it says nothing known.
 */
export function deviceName(userAgent: string = navigator.userAgent): string {
  const browser = find(BROWSERS, userAgent);
  const system = find(SYSTEMS, userAgent);
  const name = browser && system ? `${browser} on ${system}` : (browser ?? system ?? 'Web browser');
  return `${/Headless/.test(userAgent) ? 'Headless ' : ''}${name} (web)`.slice(0, MAX_LENGTH);
}
