/**
 * Hash routing (`#/compare?run=ID`): works the same from file-like app:// pages and from `serve`,
 * keeps the page's own query (the serve token) untouched, and gives every view a linkable address.
 */
export const VIEWS = ['home', 'train', 'compare', 'skips', 'search', 'runs'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<View, string> = {
  home: 'Home',
  train: 'Train',
  compare: 'Compare',
  skips: 'Skips',
  search: 'Search',
  runs: 'Runs',
};

function parse(hash: string): { view: View; params: Record<string, string> } {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'home';
  return { view, params: Object.fromEntries(new URLSearchParams(query)) };
}

export const route = $state(parse(window.location.hash));

window.addEventListener('hashchange', () => {
  const next = parse(window.location.hash);
  route.view = next.view;
  route.params = next.params;
});

export function href(view: View, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return `#/${view}${q ? `?${q}` : ''}`;
}

export function go(view: View, params: Record<string, string | undefined> = {}): void {
  window.location.hash = href(view, params);
}

/** The view that shows a run of this kind. */
export function viewOfKind(kind: string): View {
  switch (kind) {
    case 'train':
    case 'agent':
      return 'train';
    case 'bench':
      return 'compare';
    case 'eval':
      return 'skips';
    case 'search':
      return 'search';
    default:
      return 'runs';
  }
}
