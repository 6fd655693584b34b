// Running statements on one better-sqlite3 connection: the reader and the in-memory
// writer on the event loop (sqlite.ts), and the writer thread (sqlite-writer.ts). Plain
// CommonJS because the writer thread is started from source text and can only require()
// plain JavaScript, not TypeScript.
"use strict";

/** SQLite has no boolean: true and false are stored as 1 and 0. */
function bindOne(p) {
  return typeof p === "boolean" ? (p ? 1 : 0) : p;
}

function bind(params) {
  return params === undefined || params === null ? [] : params.map(bindOne);
}

/** Prepared statements cached by text (bounded: texts with inlined values would grow it). */
function statements(conn) {
  const cache = new Map();
  const prep = (sql) => {
    let s = cache.get(sql);
    if (s === undefined) {
      s = conn.prepare(sql);
      if (cache.size > 500) cache.clear();
      cache.set(sql, s);
    }
    return s;
  };
  return {
    query(sql, params) {
      const s = prep(sql);
      if (!s.reader) {
        s.run(...bind(params));
        return [];
      }
      return s.all(...bind(params));
    },
    run(sql, params) {
      const s = prep(sql);
      if (s.reader) return { changes: s.all(...bind(params)).length };
      return { changes: s.run(...bind(params)).changes };
    },
    // One prepared single-row statement run per row: in a transaction this is SQLite's
    // fastest way in (no parsing, no RETURNING rows to build), and `changes` says which
    // rows were new. Rows arrive as one flat array `width` values a row, because that is
    // what crosses to the writer thread cheaply; 1 in the answer marks an inserted row.
    runRows(sql, flat, width) {
      const s = prep(sql);
      const n = flat.length / width;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = s.run(bind(flat.slice(i * width, i * width + width))).changes > 0 ? 1 : 0;
      return out;
    },
  };
}

module.exports = { statements };
