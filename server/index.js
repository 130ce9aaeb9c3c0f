// `node server` starts the Parley chat server. The TypeScript sources beside this file
// are bundled into dist/server.js by `npm install` (the prepare script) or `npm run build`.
require('../dist/server.js');
