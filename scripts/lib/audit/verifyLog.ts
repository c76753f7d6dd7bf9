// Placeholder for `npm run audit -- verify-log`, written by the access-log part of issue 9, which replaces this file.
import { type AuditCommand, AuditInputError } from "./command.ts";

export const verifyLog: AuditCommand = async () => {
  throw new AuditInputError("verify-log is not available yet");
};
