// Byte-compiles Python files with Pyodide's own Python, run under Node (`kindred pwa build`).
// The browser's Python can then import Kindred, its dependencies and the standard library
// without compiling them at every start. The bytecode must come from the same Python as the
// browser's (3.14 in Pyodide), not the build machine's, so this runs Pyodide itself.
//
//   node compile_pyc.mjs PYODIDE_DIR FOLDER DDIR LEGACY
//
// FOLDER is compiled in place; DDIR is the path the files will have in the browser (shown in
// tracebacks); LEGACY "1" writes x.pyc beside x.py (for zip imports) instead of __pycache__/.
// Hash-based, unchecked pycs: nothing depends on file times, so the output is reproducible.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, folder, ddir, legacy] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir.replace(/\/?$/, "/") });
pyodide.FS.mkdirTree("/compile");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(folder) }, "/compile");
pyodide.globals.set("ddir", ddir);
pyodide.globals.set("legacy", legacy === "1");
const failed = pyodide.runPython(`
import compileall, py_compile, sys
ok = compileall.compile_dir("/compile", ddir=ddir, quiet=2, legacy=legacy, workers=1,
                            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
int(not ok)
`);
console.log(`compiled with Python ${pyodide.runPython("import sys; sys.version.split()[0]")}`);
process.exit(failed);
