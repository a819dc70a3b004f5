// The one look at the file system the command line makes before parsing: a cluster file the
// janitor could not read is a usage error, found before any port is bound.
import { accessSync, constants, statSync } from 'node:fs';
import type { ConfigProbe } from '../config.js';

export const fileProbe: ConfigProbe = {
  fileProblem(path) {
    try {
      if (!statSync(path).isFile()) return 'not a file';
      accessSync(path, constants.R_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'no such file';
      if (code === 'EACCES') return 'permission denied';
      return error instanceof Error ? error.message : String(error);
    }
  },
};
