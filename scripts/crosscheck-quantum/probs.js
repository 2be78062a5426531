// Reference probabilities from the independent npm simulator quantum-circuit
// (pinned in package.json). Usage: node probs.js FILE.qasm... > out.json
// Measurements are stripped (the Go side strips them identically) so both
// simulators report the final state's per-basis-state probabilities; index
// bit k is qubit k (registers concatenated in declaration order).
"use strict";
const fs = require("fs");
const path = require("path");
const QuantumCircuit = require("quantum-circuit");

function strip(src) {
  return src.split("\n").filter((l) => !/^\s*measure\b/.test(l)).join("\n");
}

function run(file) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const circuit = new QuantumCircuit();
    circuit.importQASM(strip(fs.readFileSync(file, "utf8")), (errors) => {
      if (errors && errors.length) {
        reject(new Error(file + ": " + JSON.stringify(errors)));
        return;
      }
      const t0 = Date.now();
      circuit.run();
      const ms = Date.now() - t0;
      const probs = circuit.stateAsArray(false).map((s) => s.amplitude.re * s.amplitude.re + s.amplitude.im * s.amplitude.im);
      // total_ms: import + run + per-state probabilities (the engine's end to end)
      resolve({ num_qubits: circuit.numQubits, run_ms: ms, total_ms: Date.now() - start, probabilities: probs });
    });
  });
}

(async () => {
  const out = {};
  for (const file of process.argv.slice(2).sort()) {
    try {
      out[path.basename(file)] = await run(file);
    } catch (e) {
      process.stderr.write("skip " + e.message + "\n");
    }
  }
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
})();
