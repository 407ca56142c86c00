import type { CliCommand } from '../io';

// In progress: replaced by the real command in this session's work on it.
export const runAccounts: CliCommand = async (_args, io) => {
  io.stderr.write('accounts: not available in this build yet\n');
  return 2;
};
