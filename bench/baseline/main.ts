// The baseline server of the bench: follows the stand-in daemon (daemon_status, then the events
// stream), keeps one EDS Cluster and one ClusterLoadAssignment per expose, and on a patch
// re-encodes only the resources of the services it touched, sending only what changed.
//   --sock <daemon socket> --ports-file <file> [--unix <xDS socket path>|none]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { followDaemon, type Json } from './daemon.js';
import { serviceEntries, servicePaths, type Entry } from './resources.js';
import { bind, createBaselineXds } from './xds.js';

const { values } = parseArgs({
  options: { sock: { type: 'string' }, 'ports-file': { type: 'string' }, unix: { type: 'string', default: 'none' } },
});
if (!values.sock || !values['ports-file']) {
  process.stderr.write('usage: main.ts --sock <daemon socket> --ports-file <file> [--unix <path>|none]\n');
  process.exit(2);
}

const xds = createBaselineXds();
const port = await bind(xds.server, '127.0.0.1:0');
const unix = values.unix === 'none' ? undefined : values.unix;
if (unix) await bind(xds.server, `unix:${unix}`);
writeFileSync(values['ports-file'], `${JSON.stringify({ xds: port, unix })}\n`);

let status: Json = null;
followDaemon(values.sock, {
  onSnapshot(snapshot) {
    status = snapshot;
    const entries: Entry[] = [];
    for (const path of servicePaths(status)) entries.push(...serviceEntries(status, path));
    xds.upsert(entries);
    xds.ready();
  },
  onPatch(touched) {
    const paths = touched === 'all' ? servicePaths(status) : touched;
    const entries: Entry[] = [];
    for (const path of paths) entries.push(...serviceEntries(status, path));
    xds.upsert(entries);
  },
});

const stop = (): void => {
  xds.server.forceShutdown();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
