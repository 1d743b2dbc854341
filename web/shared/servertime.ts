// How far a computer's clock is from SMART's, told by an answer's HTTP `Date` header (both web apps): a phone
// dates its offline captures by SMART's time (app/src/servertime.ts), the console judges its session's expiry and
// "today" by it (admin/src/session.ts), so that a clock set hours wrong by hand misleads neither.

/** An answer whose round trip took longer than this tells the server's time too loosely to be used. */
export const MAX_ROUND_TRIP_MS = 10_000;

/** How far SMART's clock is ahead of the phone's (negative: the phone runs fast), from an answer's `Date` header
 * and when the request left (`sentAt`) and its answer arrived (`receivedAt`), both by the phone's clock; null when
 * the answer cannot tell (no or a malformed header, a round trip too long, a clock that moved meanwhile). */
export function offsetFrom(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  if (!dateHeader) return null;
  const server = Date.parse(dateHeader);
  const trip = receivedAt - sentAt;
  if (Number.isNaN(server) || trip < 0 || trip > MAX_ROUND_TRIP_MS) return null;
  // `Date` drops the milliseconds (the server's time lies in the second it names: its middle is the best guess),
  // and the server answered somewhere in the round trip (its middle, likewise).
  return Math.round(server + 500 - (sentAt + receivedAt) / 2);
}
