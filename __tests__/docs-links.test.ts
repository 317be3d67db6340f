// Every link in the user-facing markdown resolves: a relative link to a file or folder of this
// repository (never outside it), an #anchor to a heading of its page, and an absolute link only
// to a public https:// site. The docs move around; a reader should never land on nothing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers/github-runner.js';

/** README.md, CONTRIBUTING.md, CHANGELOG.md, docs/**, and the GitLab component's README. */
function documents(): string[] {
  const docs = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return docs(relative);
      return entry.name.endsWith('.md') ? [relative] : [];
    });
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'gitlab/README.md', ...docs('docs')];
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page, with GitHub's -1, -2 suffixes for repeated headings. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Link targets: [text](target), [label]: target, <https://…>. */
function links(markdown: string): string[] {
  const text = prose(markdown);
  const found: string[] = [];
  for (const [, target] of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    found.push(target);
  }
  for (const [, target] of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?$/gm)) {
    found.push(target);
  }
  for (const [, target] of text.matchAll(/<((?:https?|ftp|file):[^>\s]+)>/g)) found.push(target);
  return found;
}

const PRIVATE_HOST =
  /^(localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\]|0\.0\.0\.0)$|\.(local|internal|localhost|example|test|invalid)$|(^|\.)example\.(com|net|org)$/i;

/** What is wrong with the links of one document (`file` relative to the repository). */
function problemsIn(file: string, markdown: string, root = ROOT): string[] {
  const problems: string[] = [];
  for (const target of links(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      let url: URL | undefined;
      try {
        url = new URL(target);
      } catch {
        url = undefined;
      }
      if (url?.protocol === 'mailto:') continue;
      if (!url || url.protocol !== 'https:') problems.push(`${target}: not an https:// link`);
      else if (PRIVATE_HOST.test(url.hostname)) problems.push(`${target}: not a public site`);
      continue;
    }
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = pathPart
      ? path.resolve(root, path.dirname(file), decodeURIComponent(pathPart))
      : path.join(root, file);
    if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`)) {
      problems.push(`${target}: outside the repository`);
      continue;
    }
    if (!fs.existsSync(resolved)) {
      problems.push(`${target}: no such file`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md')) {
      const page =
        resolved === path.join(root, file) ? markdown : fs.readFileSync(resolved, 'utf8');
      if (!anchors(page).has(anchor)) problems.push(`${target}: no heading #${anchor}`);
    }
  }
  return problems;
}

it.each(documents())('every link in %s resolves', (file) => {
  expect(problemsIn(file, fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
});

it('finds broken, outside, private and non-https links (the check itself)', () => {
  const sample = [
    '# Title',
    '## Exit codes (`0`–`130`)',
    '## Exit codes (`0`–`130`)',
    '[ok](#title) [ok](#exit-codes-0130) [ok](#exit-codes-0130-1) [ok](docs/cli.md#exit-codes)',
    '[bad anchor](#nowhere) [bad file](docs/nope.md) [outside](../shared/DESIGN.md)',
    '[plain](http://example.org) [private](https://127.0.0.1:8080/x) [file](file:///etc/passwd)',
    '[ref]: ../../elsewhere.md',
    '`[in code](nowhere.md)` and <https://semver.org/>',
    '```md\n[in a block](nowhere.md)\n```',
  ].join('\n');
  expect(problemsIn('README.md', sample)).toEqual([
    '#nowhere: no heading #nowhere',
    'docs/nope.md: no such file',
    '../shared/DESIGN.md: outside the repository',
    'http://example.org: not an https:// link',
    'https://127.0.0.1:8080/x: not a public site',
    'file:///etc/passwd: not an https:// link',
    '../../elsewhere.md: outside the repository',
  ]);
});
