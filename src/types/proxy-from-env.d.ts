// proxy-from-env 2.x ships no type declarations.
declare module 'proxy-from-env' {
  /** The proxy URL to use for `url` per HTTP(S)_PROXY / NO_PROXY, or '' for a direct connection. */
  export function getProxyForUrl(url: string): string;
}
