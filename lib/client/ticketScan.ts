// What a scanner read → the ticket code to check. Tickets carry the bare code
// as their QR; a link that carries it (?code=…, or as its last path segment)
// is accepted too, so a ticket printed as a URL scans the same.
export function ticketCodeFromScan(text: string): string {
  const trimmed = text.trim();
  if (!/^https?:\/\//i.test(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed);
    const fromQuery = url.searchParams.get('code');
    if (fromQuery) return fromQuery.trim();
    const segments = url.pathname.split('/').filter(Boolean);
    return segments.length ? decodeURIComponent(segments[segments.length - 1]) : trimmed;
  } catch {
    return trimmed;
  }
}
