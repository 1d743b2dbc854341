// "Dugaan wajah ganda" on the "Pegawai" screen: approved faces of two different active employees that look like
// one person (one phone checking in for two people, or one face enrolled for a colleague). Regency-wide readers
// only (super admin, an auditor without units); read on request, as the list is not needed to manage a unit.
import { useState } from "preact/hooks";
import { ApiError } from "../../../shared/api";
import { useConsole } from "../context";
import { decimal } from "../format";
import { href } from "../router";
import { get } from "../session";
import { ErrorLine, Table, useLoad, type Column } from "../ui";

interface DuplicatePair {
  nips: string[];
  template_ids: string[];
  score: number;
}

const columns: Column<DuplicatePair>[] = [
  {
    label: "Pegawai",
    cell: (p) => (
      <ul class="plain">
        {p.nips.map((nip) => (
          <li key={nip}>
            <a href={href(["pegawai", nip])}>{nip}</a>
          </li>
        ))}
      </ul>
    ),
  },
  { label: "Skor kemiripan", cell: (p) => decimal(p.score, 2), sort: (p) => p.score },
];

function PairList() {
  const loaded = useLoad(
    (signal) =>
      get<{ items: DuplicatePair[] }>("/v1/admin/faces/duplicates", {}, signal)
        .then((a) => a.items)
        .catch((exc: unknown) => {
          // An auditor of some units only: the list is the whole regency's, so it is not theirs to read.
          if (exc instanceof ApiError && exc.status === 403) return null;
          throw exc;
        }),
    "duplicates",
  );
  if (!loaded.loading && loaded.data === null && !loaded.error) return <p class="hint">Daftar ini hanya untuk pembaca seluruh kabupaten.</p>;
  return (
    <>
      <ErrorLine message={loaded.error} />
      <Table
        caption="Dugaan wajah ganda"
        rows={loaded.data ?? []}
        loading={loaded.loading}
        columns={columns}
        rowKey={(p) => p.template_ids.join("|")}
        empty="Tidak ada dugaan wajah ganda."
        pageSize={20}
      />
    </>
  );
}

export function DuplicateFaces() {
  const { session } = useConsole();
  const [shown, setShown] = useState(false);
  if (session.role === "unit_admin") return null;
  return (
    <section class="panel" aria-labelledby="duplicates-title">
      <h2 id="duplicates-title">Dugaan wajah ganda</h2>
      <p class="hint">
        Wajah terdaftar dua pegawai aktif yang tampak seperti satu orang: periksa foto di halaman masing-masing pegawai, lalu hapus
        wajah yang salah.
      </p>
      {shown ? (
        <PairList />
      ) : (
        <button type="button" class="secondary" onClick={() => setShown(true)}>
          Tampilkan Dugaan Wajah Ganda
        </button>
      )}
    </section>
  );
}
