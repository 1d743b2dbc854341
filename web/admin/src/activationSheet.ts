// "Cetak Kode Aktivasi" (Pegawai, a unit's panel): printing a unit's sheet gives its employees new codes, which
// replace the codes of cards already handed out, and the new ones last SMART_ACTIVATION_TTL_S (7 days by default).
// An admin who prints two weeks before the sosialisasi day hands out dead cards, and one who prints again the day
// before voids the cards already given: the console says both before it prints, not after.

/** How many days SMART's activation codes last when no sheet printed in this tab has said otherwise
 * (SMART_ACTIVATION_TTL_S's default; the API names its stage's value only in a printed sheet's `expires_at`). */
export const DEFAULT_VALIDITY_DAYS = 7;

const DAY_MS = 86_400_000;

/** Whole days from `now` (ms, SMART's clock) to a sheet's `expires_at`, as the stage's codes last (rounded: the
 * answer is read seconds after SMART stamped it); null when it cannot be read or is under a day. */
export function validityDays(expiresAt: string, now: number): number | null {
  const days = Math.round((Date.parse(expiresAt) - now) / DAY_MS);
  return Number.isFinite(days) && days >= 1 ? days : null;
}

/** The days the last sheet printed in this tab said its codes last (the stage's setting), if any. */
let learned: number | null = null;

/** A sheet printed: its codes' `expires_at` read at `now` tells how long the next sheet's codes last. */
export function learnValidity(expiresAt: string, now: number): void {
  learned = validityDays(expiresAt, now) ?? learned;
}

/** How many days the next sheet's codes last, as far as the console knows. */
export function knownValidityDays(): number {
  return learned ?? DEFAULT_VALIDITY_DAYS;
}

/** What "Cetak Kode Aktivasi" asks before printing: whose codes are made (`onlyNew`: "Hanya yang belum aktivasi"),
 * that the cards printed earlier for them stop working, and that the new ones last `days`, so the sheet is printed
 * a few days before the sosialisasi day at the earliest. */
export function printQuestion(onlyNew: boolean, days: number): string {
  const whom = onlyNew ? "pegawai unit ini yang belum aktivasi" : "semua pegawai aktif unit ini";
  return (
    `Kode baru dibuat untuk ${whom}. Kartu yang dicetak sebelumnya untuk pegawai tersebut tidak berlaku lagi. ` +
    `Kartu baru berlaku ${days} hari: cetak paling cepat beberapa hari sebelum hari sosialisasi. Cetak sekarang?`
  );
}

/** An employee the sheet was asked for who has no card on it (the API's `left_out`): their code must come from
 * another admin. `own_record`: the printing admin's own record; `four_eyes`: an account activated before, one of
 * whose faces the printing admin put on within the week (their code would be refused at its use). */
export interface LeftOut {
  nip: string;
  nama: string;
  reason: "own_record" | "four_eyes";
}

const WHY_LEFT_OUT: Record<LeftOut["reason"], string> = {
  own_record: "data Anda sendiri",
  four_eyes: "wajahnya Anda daftarkan dalam 7 hari terakhir",
};

/** What the console says after printing about those without a card (nothing when everyone has one): the admin
 * hands out the sheet knowing who still needs a code from a colleague, rather than finding the card missing in
 * the hall. */
export function leftOutSaid(leftOut: readonly LeftOut[]): string {
  if (!leftOut.length) return "";
  const named = leftOut.map((e) => `${e.nama} (${WHY_LEFT_OUT[e.reason]})`).join(", ");
  return `Tanpa kartu, kodenya harus dibuat admin lain: ${named}.`;
}
