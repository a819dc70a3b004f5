// A json_delta stanza applied IN PLACE (the containers on its path are changed, not copied): for the
// bench's own processes, where a copy per patch of a 10,000-service status would cost milliseconds.
//   [path, value]  set (created on the way when missing); [path]  delete; [path, value, "i"]  insert

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };
export type Stanza = readonly [path: readonly (string | number)[], value?: Json, op?: 'i'];

function isContainer(v: Json | undefined): v is Container {
  return typeof v === 'object' && v !== null;
}

export function applyInPlace(root: Json, [path, ...rest]: Stanza): void {
  if (path.length === 0 || !isContainer(root)) return;
  let cursor: Container = root;
  for (const key of path.slice(0, -1)) {
    const next: Json | undefined = (cursor as Record<string | number, Json>)[key];
    if (!isContainer(next)) {
      if (rest.length === 0) return;
      const created: Container = {};
      (cursor as Record<string | number, Json>)[key] = created;
      cursor = created;
    } else cursor = next;
  }
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(cursor) && typeof last === 'number') {
    if (rest.length === 0) cursor.splice(last, 1);
    else if (rest[1] === 'i') cursor.splice(last, 0, rest[0] ?? null);
    else cursor[last] = rest[0] ?? null;
  } else if (!Array.isArray(cursor)) {
    if (rest.length === 0) delete cursor[String(last)];
    else cursor[String(last)] = rest[0] ?? null;
  }
}

