// Building blocks both apps render the same way.

/** The error line under a form or a list: always in the DOM (screen readers announce what appears in it). */
export function ErrorLine({ message }: { message: string | null }) {
  return (
    <p class="error" role="alert">
      {message ?? ""}
    </p>
  );
}
