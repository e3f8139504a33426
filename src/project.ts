import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the project lives, found the same way from the TypeScript sources (src/…, run by tsx or
 * Jest) and from the compiled build (dist/src/…, run by `node dist/src/main.js` in the image): the
 * nearest folder above this file whose package.json is this project's. Relative paths such as
 * `../../package.json` break on compilation, because dist/ adds a level.
 */
const PACKAGE_NAME = 'eco-compensation-workflow';

interface PackageJson {
  name?: string;
  version?: string;
}

function findProject(start: string): { root: string; pkg: PackageJson } {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === PACKAGE_NAME) return { root: dir, pkg };
    }
    if (path.dirname(dir) === dir) throw new Error(`No package.json named ${PACKAGE_NAME} above ${start}: is the service installed with its package.json?`);
  }
}

const found = findProject(__dirname);

/** The repository (or image) root: the folder with package.json, web/dist, data/. */
export const projectRoot: string = found.root;

/** The service's version, from package.json. */
export const serviceVersion: string = found.pkg.version ?? '0.0.0';

/** The web console's build (scripts/build-web.mjs). */
export const webDistDir: string = path.join(projectRoot, 'web', 'dist');
