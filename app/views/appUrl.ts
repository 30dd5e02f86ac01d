/**
 * The full app at `hash`, on the page's own origin and path. Built from the whole
 * location, never from its path alone: a path such as `//evil.example/` would read as
 * another host. The query (`?embed=1`) is dropped, so the link opens the full app.
 */
export function appUrl(hash: string, here: string = location.href): string {
  const url = new URL(here);
  url.search = '';
  url.hash = hash;
  return url.href;
}
