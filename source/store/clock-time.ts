/** HH:MM:SS by the host's clock and time zone: the clock the journal's deadline, `status` and the guardian go by. */
export function clockTime(epochMs: number): string {
  const at = new Date(epochMs);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
