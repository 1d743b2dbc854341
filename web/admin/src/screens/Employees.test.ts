// Pegawai's "Wajah" column (Employees.tsx): what an admin in the hall reads of each employee's face.
import { describe, expect, it } from "vitest";
import { faceState } from "./Employees";

describe("the Wajah of an employee in the unit's list", () => {
  it("says approved, waiting, rejected (to enrol again) or none, in that order", () => {
    expect(faceState({ enrolled: true, face_pending: true, face_rejected: false })).toBe("Ya");
    expect(faceState({ enrolled: false, face_pending: true, face_rejected: true })).toBe("Menunggu"); // sent again
    expect(faceState({ enrolled: false, face_pending: false, face_rejected: true })).toBe("Ditolak");
    expect(faceState({ enrolled: false, face_pending: false, face_rejected: false })).toBe("Belum");
    // an API before the fields says approved or none
    expect(faceState({ enrolled: false })).toBe("Belum");
  });
});
