// Host names in URLs, and which of them are this machine. A leaf module: the effect sink and the network
// handlers both need it, and the sink must not import the handlers.
const LOCAL_HOST =
  /^(localhost|127(\.\d+){3}|0\.0\.0\.0|\[?::1\]?|[a-z0-9-]+\.localhost|host\.docker\.internal)$/i;

export function hostOf(url: string): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^/@\s]*@)?(\[[^\]]+\]|[^/:?#\s]+)/i.exec(url);
  return (m?.[1] ?? '').toLowerCase();
}

export function isLocalHost(host: string): boolean {
  return LOCAL_HOST.test(host) || host === '';
}
