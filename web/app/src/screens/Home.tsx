import { useEffect, useState } from "preact/hooks";
import { ApiError, messageOf } from "../../../shared/api";
import { navigate } from "../router";
import { myProfile, signOut } from "../session";
import type { Profile, Today } from "../types";
import { ErrorLine, Page } from "../ui";

const LEAVE: Record<string, string> = { C: "Cuti", I: "Izin", S: "Sakit" };

function dateText(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  return date.toLocaleDateString("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

function timeOf(instant: string | undefined): string {
  return instant ? instant.slice(11, 16) : "";
}

function statusText(today: Today): string {
  if (today.holiday) return `Hari libur: ${today.holiday}`;
  if (today.leave) return LEAVE[today.leave] ?? today.leave;
  if (today.check_out) return `Sudah absen pulang ${timeOf(today.check_out.attendance_time)}`.trim();
  if (today.check_in) return `Sudah absen masuk ${timeOf(today.check_in.attendance_time)}`.trim();
  if (today.checked_in) return "Sudah absen masuk";
  if (!today.schedule) return "Tidak ada jadwal kerja hari ini";
  return today.field_duty ? "Belum absen masuk (dinas luar)" : "Belum absen masuk";
}

export function Home({ onSignedOut }: { onSignedOut: (notice: string | null) => void }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    myProfile(abort.signal)
      .then(setProfile)
      .catch((exc: unknown) => {
        if (abort.signal.aborted) return;
        if (exc instanceof ApiError && exc.status === 401) {
          signOut();
          onSignedOut(exc.message);
          return;
        }
        setError(messageOf(exc));
      });
    return () => abort.abort();
  }, [onSignedOut]);

  function leave(): void {
    signOut();
    onSignedOut(null);
    navigate("/masuk");
  }

  const today = profile?.today;
  return (
    <Page title="Beranda">
      {profile && today ? (
        <div class="home">
          <p class="name">{profile.nama}</p>
          <p class="muted">
            NIP {profile.nip}
            {profile.unit.unor_nama ? ` · ${profile.unit.unor_nama}` : ""}
          </p>
          <h2>{dateText(today.date)}</h2>
          <dl>
            <dt>Jadwal</dt>
            <dd>{today.schedule ? `${today.schedule.start}–${today.schedule.end}` : "Tidak ada jadwal"}</dd>
            <dt>Status</dt>
            <dd>{statusText(today)}</dd>
          </dl>
        </div>
      ) : error ? null : (
        <p aria-live="polite">Memuat…</p>
      )}
      <ErrorLine message={error} />
      <button type="button" class="secondary" onClick={leave}>
        Keluar
      </button>
    </Page>
  );
}
