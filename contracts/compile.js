// Compiles contracts/src/*.sol with the pinned solc-js (package.json) and
// writes build/NAME.abi and build/NAME.bin for each deployable contract.
// Run through scripts/contracts.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = __dirname;
const srcDir = path.join(root, 'src');
const outDir = path.join(root, 'build');
const deployable = ['RewardToken', 'Staking', 'RewardPool'];

const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const findImports = (p) => {
  const full = path.join(srcDir, p);
  if (!full.startsWith(srcDir + path.sep) || !fs.existsSync(full)) return { error: 'not found: ' + p };
  return { contents: fs.readFileSync(full, 'utf8') };
};
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of out.errors || []) {
  process.stderr.write(e.formattedMessage + '\n');
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);
fs.mkdirSync(outDir, { recursive: true });
for (const name of deployable) {
  const c = out.contracts[name + '.sol'][name];
  fs.writeFileSync(path.join(outDir, name + '.abi'), JSON.stringify(c.abi, null, 1) + '\n');
  fs.writeFileSync(path.join(outDir, name + '.bin'), c.evm.bytecode.object + '\n');
}
process.stdout.write('solc ' + solc.version() + ': ' + deployable.join(', ') + '\n');
