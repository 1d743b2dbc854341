// The phone's position for a check-in: a high-accuracy fix kept fresh while the check-in screen is open.

export interface Fix {
  latitude: number;
  longitude: number;
  accuracy_m: number;
  at: number;
}

export type GeoProblem = "denied" | "unavailable" | "timeout" | "missing";

export function problemOf(error: GeolocationPositionError): GeoProblem {
  if (error.code === error.PERMISSION_DENIED) return "denied";
  if (error.code === error.TIMEOUT) return "timeout";
  return "unavailable";
}

/** Watches the position; returns the function that stops watching. */
export function watchFix(onFix: (fix: Fix) => void, onProblem: (problem: GeoProblem) => void): () => void {
  if (!("geolocation" in navigator)) {
    onProblem("missing");
    return () => undefined;
  }
  const id = navigator.geolocation.watchPosition(
    (pos) =>
      onFix({
        latitude: pos.coords.latitude,
        longitude: pos.coords.longitude,
        accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
        at: pos.timestamp,
      }),
    (err) => onProblem(problemOf(err)),
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
