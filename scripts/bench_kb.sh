# The knowledge-base side's benchmarks for scripts/bench, sourced after
# bench_runtime.sh (section_header):
#   embed      issue 9's B6: embedding throughput through a `hearth runner`
#              against llama-embedding on SciFact texts, after a cosine gate
#              (hearth-bench-embed);
#   residency  issue 9's B5: alternating ingestion and RAG questions, counting
#              model loads and unloads (bench/residency_bench.mjs);
#   rag        issue 9's B9: one RAG answer end to end, `hearth serve` against
#              two llama-servers and hnswlib glued (bench/rag_bench.mjs,
#              bench/rag_glue.cc);
#   traffic    issue 10's load test: mixed chat, search, upload and Ollama API
#              traffic from many clients on loopback (bench/traffic_bench.mjs).
#
# Environment:
#   HEARTH_BENCH_TRAFFIC_CLIENTS  clients (default 16; --quick 8)
#   HEARTH_BENCH_TRAFFIC_SECONDS  how long (default 120; --quick 60)

run_traffic() {
  local out=$1 embedder=$2
  local stories=$HEARTH_TEST_DATA/models/stories260K.gguf docs=$HEARTH_TEST_DATA/corpus/formats/md
  [ -f "$stories" ] || die "no $stories (set HEARTH_TEST_DATA)"
  local clients=${HEARTH_BENCH_TRAFFIC_CLIENTS:-16} seconds=${HEARTH_BENCH_TRAFFIC_SECONDS:-120}
  if [ "$QUICK" = 1 ]; then clients=${HEARTH_BENCH_TRAFFIC_CLIENTS:-8}; seconds=${HEARTH_BENCH_TRAFFIC_SECONDS:-60}; fi
  local args=(--model "$stories" --embedder "$embedder" --docs "$docs" --clients "$clients" --seconds "$seconds")
  log "load test: $clients clients for $seconds s"
  {
    section_header "Load test: mixed traffic on loopback (issue 10)" \
      traffic "node bench/traffic_bench.mjs ${args[*]}"
    echo "- Models: stories260K (real, tiny) answers; hearth-fixture's \`tiny\` embedder (random weights)"
    echo "- Server: \`hearth serve\` defaults (HTTP worker pool and queue, one slot), runner threads 1, one ingest worker"
    echo
    HEARTH_BIN=$BUILD_DIR/hearth node "$HEARTH_ROOT/bench/traffic_bench.mjs" "${args[@]}" ||
      echo "(the load test's verdict above failed)"
  } >"$out"
}

run_residency() {
  local out=$1 embedder=$2
  local stories=$HEARTH_TEST_DATA/models/stories260K.gguf
  [ -f "$stories" ] || die "no $stories (set HEARTH_TEST_DATA)"
  local rounds=100
  [ "$QUICK" = 1 ] && rounds=20
  local args=(--model "$stories" --embedder "$embedder" --rounds "$rounds" --context 512 --threads 1)
  log "B5: $rounds rounds of ingestion and questions, counting loads"
  {
    section_header "Model residency: chat model and embedder under one budget (B5)" \
      residency "node bench/residency_bench.mjs ${args[*]}"
    echo "- Models: stories260K (real, tiny) as the chat model, so that 50 answers take seconds, not an hour;"
    echo "  hearth-fixture's \`minilm\` embedder (384-d, random weights). The count of loads does not depend on"
    echo "  the models' sizes, only on whether the budget holds both; it comes from the server's own counter."
    echo
    HEARTH_BIN=$BUILD_DIR/hearth node "$HEARTH_ROOT/bench/residency_bench.mjs" "${args[@]}" ||
      echo "(B5's target above was missed)"
  } >"$out"
}

run_embed() {
  local out=$1 embedder=$2 tools=$3
  local scifact=$HEARTH_TEST_DATA/corpus/retrieval/scifact
  [ -d "$scifact" ] || die "no SciFact set at $scifact (set HEARTH_TEST_DATA)"
  local args=(--hearth "$BUILD_DIR/hearth" --model "$embedder" --scifact "$scifact"
              --llama-embedding "$tools/llama-embedding" --threads 2)
  # 200 texts a run keep the full run under its 60 minutes (500 took 7 of
  # the 59 minutes of the 2026-12-01 run; 300 took 5 of the 65 of 12-02).
  if [ "$QUICK" = 1 ]; then args+=(--texts 128 --pairs 2); else args+=(--texts 200 --pairs 5); fi
  log "B6: embedding throughput against llama-embedding"
  {
    section_header "Embedding throughput, hearth vs llama-embedding (B6)" \
      embed "hearth-bench-embed ${args[*]}"
    echo "- Embedder: hearth-fixture's \`minilm\` preset (384-d, 6 layers, BERT vocabulary, f16, random weights)"
    echo "- Peer: llama-embedding built from the same llama.cpp with the same flags"
    echo
    "$BUILD_DIR/hearth-bench-embed" "${args[@]}"
  } >"$out"
}

run_rag() {
  local out=$1 embedder=$2 tools=$3
  local scifact=$HEARTH_TEST_DATA/corpus/retrieval/scifact glue=$BUILD_DIR/hearth-bench-rag-glue
  [ -d "$scifact" ] || die "no SciFact set at $scifact (set HEARTH_TEST_DATA)"
  if [ ! -x "$glue" ]; then
    echo "## One RAG answer end to end (B9)" >"$out"
    echo >>"$out"
    echo "Not run: $glue was not built (it needs Debian's libhnswlib-dev)." >>"$out"
    return
  fi
  local args=(--model "$(make_decoder)" --embedder "$embedder" --scifact "$scifact"
              --llama-server "$tools/llama-server" --glue "$glue")
  # Quick: 1 thread (see run_followup in bench_runtime.sh), a smaller
  # window (its answer reserve, a quarter, bounds the answers).
  if [ "$QUICK" = 1 ]; then
    args+=(--pairs 2 --docs 60 --context 1024 --budget 400 --threads 1)
  else
    args+=(--pairs 5 --docs 300 --context 2048 --budget 1000 --threads 2 --answer-tokens 128)
  fi
  log "B9: one RAG answer end to end against llama-server + hnswlib"
  {
    section_header "One RAG answer end to end, hearth vs llama-server + hnswlib glue (B9)" \
      rag "node bench/rag_bench.mjs ${args[*]}"
    decoder_line
    echo "- Embedder: hearth-fixture's \`minilm\` preset (384-d, 6 layers, BERT vocabulary, f16, random weights) for both"
    echo "- Peer: bench/rag_glue.cc (C++, cpp-httplib with kept-alive connections, Debian's hnswlib) over two llama-servers built from the same llama.cpp with the same flags"
    echo
    HEARTH_BIN=$BUILD_DIR/hearth node "$HEARTH_ROOT/bench/rag_bench.mjs" "${args[@]}"
  } >"$out"
}
