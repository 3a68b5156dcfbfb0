/** What a command hands back to main.ts, which alone turns it into output and an exit code. */
export interface CommandResult {
  stdout: string;
  outcome: "accepted" | "rejected" | "ok";
}
