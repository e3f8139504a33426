// Command ferretdb-embedded runs FerretDB v1 with its SQLite storage inside one small process,
// so that the service has a MongoDB-protocol database on a machine where no mongod can be had.
//
// It is built from FerretDB's embeddable package rather than `go install` of FerretDB's own
// command: that command needs a generated version file and panics at start without it.
//
// Protocol with the parent (src/db/ferretdb.ts): once listening, one JSON line is printed on
// stdout: {"uri": "...", "version": "..."}. The process stops on SIGTERM/SIGINT, or when its
// stdin closes (the parent died), so an orphaned engine never keeps the data folder locked.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func ferretVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dep := range info.Deps {
		if dep.Path == "github.com/FerretDB/FerretDB" {
			return dep.Version
		}
	}
	return "unknown"
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free port)")
	dataDir := flag.String("data-dir", "", "folder for the SQLite files (required)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "stop when stdin reaches EOF")
	idIndexes := flag.Bool("id-indexes", true, "index every collection on the expression FerretDB looks documents up by _id with (id_index.go)")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded: --data-dir is required")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
		os.Exit(2)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	if *idIndexes {
		go keepIDIndexes(ctx, abs, 200*time.Millisecond, logger)
	}

	// MongoDBURI reads the listener's bound address, which exists once New has returned.
	line, _ := json.Marshal(map[string]string{"uri": f.MongoDBURI(), "version": ferretVersion()})
	fmt.Println(string(line))

	<-done
}
