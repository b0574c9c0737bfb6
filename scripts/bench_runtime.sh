# The model-runtime benchmarks of scripts/bench (issue 9: B1, B2, B3, B4,
# B10, B11, B13), sourced by it: each run_* function writes one section of
# docs/benchmarks.md to the file it is given. They use scripts/bench's
# BUILD_DIR, HEARTH_TEST_DATA, log, context_lines and make_tiny_embedder /
# make_embedder, and QUICK (1 = `scripts/bench --quick`: fewer pairs and
# smaller sizes, minutes instead of half an hour).
#
# The hearth side of every one is hearth's serving path: a `hearth runner`
# child started through RunnerClient, as the scheduler starts one for every
# model the server loads (B1, B2, B4, B10, B11), or `hearth serve` and its
# HTTP routes (B3's /api/generate, B10's idle server, B13's workspace chat).

runtime_pairs() { if [ "$QUICK" = 1 ]; then echo 2; else echo 5; fi; }

# The llama3-1b fixture decoder (Llama-3.2-1B shape, Llama 3 vocabulary,
# Q4_K_M, random weights; a minute or two to make). Prints its path.
make_decoder() {
  local model=$BUILD_DIR/bench-models/llama3-1b-q4_k_m.gguf
  if [ ! -f "$model" ]; then
    mkdir -p "$(dirname "$model")"
    log "making the llama3-1b Q4_K_M fixture decoder"
    "$BUILD_DIR/hearth-fixture" llama --preset llama3-1b --type q4_k_m --out "$model" >&2
  fi
  echo "$model"
}

stories_model() {
  local model=$HEARTH_TEST_DATA/models/stories260K.gguf
  [ -f "$model" ] || die "no $model (set HEARTH_TEST_DATA)"
  echo "$model"
}

mode_line() {
  if [ "$QUICK" = 1 ]; then
    echo "- Mode: **quick run** (\`--quick\`: fewer pairs, smaller sizes) on a shared machine: it shows the benchmark works; quote the full run (\`scripts/bench\`, idle machine)"
  else
    echo "- Mode: full run"
  fi
}

decoder_line() {
  echo "- Model: hearth-fixture's \`llama3-1b\` preset (Llama-3.2-1B shape: 16 layers, n_embd 2048, 32 heads, 8 KV heads, Llama 3 vocabulary, tied output), Q4_K_M, random weights"
}

# section_header TITLE NAME RUNS: the lines every section starts with; NAME
# is the benchmark's --only name, RUNS the program and arguments it runs.
section_header() {
  local quick=""
  [ "$QUICK" = 1 ] && quick="--quick "
  echo "## $1"
  echo
  echo "Command: \`scripts/bench $quick--only $2\` (runs \`$3\`)"
  echo
  context_lines
  mode_line
}

run_decode() {
  local out=$1 decoder=$2 tools=$3 gen=128
  [ "$QUICK" = 1 ] && gen=32
  local args=(--hearth "$BUILD_DIR/hearth" --model "$decoder" --gate-model "$(stories_model)"
              --llama-bench "$tools/llama-bench" --llama-simple "$tools/llama-simple"
              --pairs "$(runtime_pairs)" --threads 2 --gen "$gen" --prompt-tokens 512)
  log "B1/B2: decode and prefill against llama-bench"
  {
    section_header "Model runtime: decode and prefill, hearth vs llama-bench (B1, B2)" \
      decode "hearth-bench-decode ${args[*]}"
    decoder_line
    echo "- Peer: llama-bench and llama-simple built from the same llama.cpp with the same flags"
    echo
    "$BUILD_DIR/hearth-bench-decode" "${args[@]}"
  } >"$out"
}

run_load() {
  local out=$1 decoder=$2
  local args=(--hearth "$BUILD_DIR/hearth" --model "$decoder" --pairs "$(runtime_pairs)" --threads 2)
  log "B4: cold load to first token against reading the file"
  {
    section_header "Model runtime: cold load to first token (B4)" \
      load "hearth-bench-load ${args[*]}"
    decoder_line
    echo "- Cold: the model file's pages are dropped with posix_fadvise(DONTNEED) before each run (this needs no root and leaves the rest of the page cache alone; \`echo 3 > /proc/sys/vm/drop_caches\` would empty everyone's); the fraction still cached is measured with mincore"
    echo
    "$BUILD_DIR/hearth-bench-load" "${args[@]}"
  } >"$out"
}

run_memory() {
  local out=$1 decoder=$2 embedder=$3
  local args=(--hearth "$BUILD_DIR/hearth" --model "$decoder" --model "$(stories_model)"
              --model "$embedder" --runs "$(runtime_pairs)" --threads 2)
  log "B10: idle server memory, runner memory against the planner"
  {
    section_header "Model runtime: memory (B10)" \
      memory "hearth-bench-memory ${args[*]}"
    decoder_line
    echo "- Also: stories260K, and hearth-fixture's \`minilm\` embedder (f16); each in a runner with the scheduler's default options (context min(4096, training context), 1 slot, batch 512), after a request that fills a batch (a prompt of over 512 tokens, or 16 texts embedded at once)"
    echo
    "$BUILD_DIR/hearth-bench-memory" "${args[@]}"
  } >"$out"
}

run_bandwidth() {
  local out=$1 decoder=$2 gen=128
  [ "$QUICK" = 1 ] && gen=32
  local args=(--hearth "$BUILD_DIR/hearth" --model "$decoder" --pairs "$(runtime_pairs)" --threads 2 --gen "$gen")
  log "B11: decode bandwidth against a STREAM-like probe"
  {
    section_header "Model runtime: decode bandwidth (B11)" \
      bandwidth "hearth-bench-bandwidth ${args[*]}"
    decoder_line
    echo "- Probe: bench/stream_probe.cc, 2 threads, three arrays of 128 MiB, best of 5 passes per kernel"
    echo
    "$BUILD_DIR/hearth-bench-bandwidth" "${args[@]}"
  } >"$out"
}

run_followup() {
  local out=$1 decoder=$2 embedder=$3
  local scifact=$HEARTH_TEST_DATA/corpus/retrieval/scifact
  [ -d "$scifact" ] || die "no SciFact set at $scifact (set HEARTH_TEST_DATA)"
  local args=(--model "$decoder" --embedder "$embedder" --scifact "$scifact")
  # Quick: 1 thread, because on a busy machine 2 threads wait on each other
  # at every op of the graph (a descheduled partner stalls the other), which
  # makes each decode call cost seconds whatever its size and hides what the
  # row measures; and a smaller context, whose answer reserve (a quarter of
  # it) bounds the answers' length. The budget leaves room in the window for
  # both turns (see bench/followup_bench.mjs).
  if [ "$QUICK" = 1 ]; then
    args+=(--pairs 2 --docs 60 --context 2048 --budget 400 --threads 1)
  else
    args+=(--pairs 5 --docs 200 --context 4096 --budget 1500 --threads 2 --answer-tokens 128)
  fi
  log "B13: follow-up time to first token through the workspace chat route"
  {
    section_header "Model runtime: time to first token of a follow-up (B13)" \
      followup "node bench/followup_bench.mjs ${args[*]}"
    decoder_line
    echo "- Embedder: hearth-fixture's \`tiny\` preset (random weights: retrieval leans on the lexical side, which matches the titles)"
    echo
    HEARTH_BIN=$BUILD_DIR/hearth node "$HEARTH_ROOT/bench/followup_bench.mjs" "${args[@]}"
  } >"$out"
}

run_serving() {
  local out=$1 decoder=$2 tools=$3 model=$2
  local args=(--llama-server "$tools/llama-server" --streams 1,4,8)
  # Quick: stories260K on 1 thread (see run_followup for why 1 thread), so
  # that 8 streams of a 1B model do not take an hour on a busy machine.
  if [ "$QUICK" = 1 ]; then
    model=$(stories_model)
    args+=(--model "$model" --pairs 2 --gen 32 --threads 1)
  else
    args+=(--model "$model" --gate-model "$(stories_model)" --pairs 5 --gen 64 --threads 2)
  fi
  log "B3: serving at 1, 4 and 8 streams against llama-server"
  {
    section_header "Model runtime: serving concurrent streams, hearth vs llama-server (B3)" \
      serving "node bench/serving_bench.mjs ${args[*]}"
    if [ "$QUICK" = 1 ]; then echo "- Model: stories260K (quick run)"; else decoder_line; fi
    echo "- Peer: llama-server built from the same llama.cpp with the same flags, \`--parallel N\`, the same threads, context per slot and batch"
    echo
    HEARTH_BIN=$BUILD_DIR/hearth node "$HEARTH_ROOT/bench/serving_bench.mjs" "${args[@]}"
  } >"$out"
}

# run_runtime WANT_FUNCTION TOOLS: every benchmark of RUNTIME_BENCHES that
# WANT_FUNCTION accepts, each into its section.
run_runtime() {
  local want_fn=$1 tools=$2 name any=0
  for name in $RUNTIME_BENCHES; do $want_fn "$name" && any=1; done
  [ $any = 1 ] || return 0
  local work; work=$(mktemp -d)
  local decoder; decoder=$(make_decoder)
  if $want_fn decode; then run_decode "$work/s.md" "$decoder" "$tools"; write_section decode "$work/s.md"; fi
  if $want_fn load; then run_load "$work/s.md" "$decoder"; write_section load "$work/s.md"; fi
  if $want_fn memory; then run_memory "$work/s.md" "$decoder" "$(make_embedder)"; write_section memory "$work/s.md"; fi
  if $want_fn bandwidth; then run_bandwidth "$work/s.md" "$decoder"; write_section bandwidth "$work/s.md"; fi
  if $want_fn serving; then run_serving "$work/s.md" "$decoder" "$tools"; write_section serving "$work/s.md"; fi
  if $want_fn followup; then run_followup "$work/s.md" "$decoder" "$(make_tiny_embedder)"; write_section followup "$work/s.md"; fi
  rm -rf "$work"
}
