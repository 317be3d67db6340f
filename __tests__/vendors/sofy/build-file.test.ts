// The build to upload: local files, downloads under a random name, and telling an APK from an
// IPA by its content when the URL does not say.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redactor } from '../../../src/core/redact.js';
import {
  formatBytes,
  resolveBuildFile,
  sniffAppKind,
} from '../../../src/vendors/sofy/build-file.js';

/** A minimal stored ZIP holding empty entries with these names (enough for the sniffer). */
function zip(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sofy-build-'));
});

function file(name: string, content: Buffer | string): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, content);
  return full;
}

const logged: string[] = [];
const logger = {
  debug: () => {},
  info: (message: string) => logged.push(message),
  warn: () => {},
  error: () => {},
};
const signal = new AbortController().signal;

describe('Sofy build files', () => {
  it('tells an APK and an IPA from their content', () => {
    expect(sniffAppKind(file('a', zip(['META-INF/', 'AndroidManifest.xml', 'classes.dex'])))).toBe(
      'apk',
    );
    expect(sniffAppKind(file('b', zip(['Payload/', 'Payload/Shop.app/Info.plist'])))).toBe('ipa');
    expect(sniffAppKind(file('c', zip(['docs/readme.txt'])))).toBeUndefined();
    expect(sniffAppKind(file('d', '<html>Sign in</html>'))).toBeUndefined();
    expect(sniffAppKind(path.join(dir, 'missing'))).toBeUndefined();
  });

  it('takes a local file as it is', async () => {
    const apk = file('app-release.apk', 'x'.repeat(2048));
    await expect(
      resolveBuildFile(apk, { logger, redactor: new Redactor() }, signal),
    ).resolves.toEqual({ path: apk, name: 'app-release.apk', kind: 'apk', bytes: 2048 });
  });

  it('names a download after its URL, whatever name the downloader gave it', async () => {
    const saved = file('3f6c1a0e-random', 'ipa bytes');
    const downloadFile = async () => saved;
    const build = await resolveBuildFile(
      'https://builds.example.com/ios/Shop%20App.ipa?token=s3cr3t-signature',
      { logger, redactor: new Redactor(), downloadFile },
      signal,
    );
    expect(build).toEqual({ path: saved, name: 'Shop App.ipa', kind: 'ipa', bytes: 9 });
    // The signed query never reaches a log.
    expect(logged).toContain(
      'Downloading the build from https://builds.example.com/ios/Shop%20App.ipa…',
    );
    expect(logged.join('\n')).not.toContain('s3cr3t');
  });

  it('looks inside a download whose URL names no extension', async () => {
    const saved = file('download', zip(['AndroidManifest.xml']));
    const build = await resolveBuildFile(
      'https://ci.example.com/artifacts/4711/download',
      { logger, redactor: new Redactor(), downloadFile: async () => saved },
      signal,
    );
    expect(build).toMatchObject({ name: 'download.apk', kind: 'apk' });
  });

  it('refuses a download that is no app package, and says why', async () => {
    const saved = file('download', '<html>login</html>');
    await expect(
      resolveBuildFile(
        'https://ci.example.com/artifacts/4711/download?token=abc',
        { logger, redactor: new Redactor(), downloadFile: async () => saved },
        signal,
      ),
    ).rejects.toThrow(/neither an \.apk nor an \.ipa .*HTML page/);
  });

  it('reports a failed download without the signed query', async () => {
    const url = 'https://builds.example.com/app.apk?sig=topsecret';
    const error = await resolveBuildFile(
      url,
      {
        logger,
        redactor: new Redactor(),
        downloadFile: async () => {
          throw new Error(`Unexpected HTTP response: 403 for ${url}`);
        },
      },
      signal,
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'Could not download appPath https://builds.example.com/app.apk: Unexpected HTTP response: 403 for https://builds.example.com/app.apk',
    );
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB');
  });
});
