// The service under load for `bench/load.mjs`, in a process of its own (so the load generator
// does not share its event loop): the embedded default in DATA_DIR, as `npm start` runs it — first
// run creates the demo CA and prints the admin password — on a free port, LDAP off (not measured
// here). Usage: node bench/serve-child.mjs DATA_DIR LOG_LEVEL
import { DEFAULT_CONFIG, closeOnSignals, startServer } from '../dist/index.js';

const [dataDir, logLevel = 'warn'] = process.argv.slice(2);
const server = await startServer(
  {
    ...DEFAULT_CONFIG,
    httpPort: 0,
    dataDir,
    logLevel,
    ldap: { ...DEFAULT_CONFIG.ldap, enabled: false },
  },
  { env: {} },
);
closeOnSignals(server);
