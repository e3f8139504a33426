package main

// FerretDB v1's SQLite backend finds a document by `_id` with the expression
// `_ferretdb_sjson->'$._id' = ?` (queries, updates and deletes alike), but the unique index it
// creates for `_id` is on `_ferretdb_sjson->"_id"`. SQLite matches indexes on expressions by their
// text, so it never uses that index: every lookup by `_id` reads and parses every document of the
// collection (about 300 ms at 20,000 case-sized documents; 0.05 ms with an index on the query's
// own expression). This file adds that index to every collection table, beside FerretDB's own.
//
// FerretDB does not know about these indexes and needs not: its metadata lists only its own, and
// a dropped collection or database takes the table, and so the index, with it. The sweep opens
// database files read-write without creating them (mode=rw), so a database dropped meanwhile is
// not brought back, and waits on SQLite's lock like FerretDB's own connections do.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

const idIndexSuffix = "_eco_id_expr"

type fileStamp struct {
	size    int64
	modTime time.Time
}

// keepIDIndexes sweeps dir every interval until ctx ends, indexing tables that lack the index.
func keepIDIndexes(ctx context.Context, dir string, interval time.Duration, logger *slog.Logger) {
	seen := map[string]fileStamp{}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		sweepIDIndexes(ctx, dir, seen, logger)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// stampOf changes whenever the database file or its write-ahead log does (a new table lands in one of them).
func stampOf(path string) (fileStamp, bool) {
	main, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	s := fileStamp{size: main.Size(), modTime: main.ModTime()}
	if wal, err := os.Stat(path + "-wal"); err == nil {
		s.size += wal.Size() << 32
		if wal.ModTime().After(s.modTime) {
			s.modTime = wal.ModTime()
		}
	}
	return s, true
}

func sweepIDIndexes(ctx context.Context, dir string, seen map[string]fileStamp, logger *slog.Logger) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	present := map[string]bool{}
	for _, path := range files {
		present[path] = true
		stamp, ok := stampOf(path)
		if !ok || seen[path] == stamp {
			continue
		}
		if err := indexDatabase(ctx, path); err != nil {
			logger.Debug("id index sweep", "file", filepath.Base(path), "error", err)
			continue // looked at again on the next sweep
		}
		if after, ok := stampOf(path); ok {
			seen[path] = after
		}
	}
	for path := range seen {
		if !present[path] {
			delete(seen, path)
		}
	}
}

func indexDatabase(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`, idIndexSuffix)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`, quoteIdent(t+idIndexSuffix), quoteIdent(t))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	return nil
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
