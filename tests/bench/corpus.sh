# Sourced by the bench parts: corpus_txt DIR MB and corpus_md DIR MB print
# the path of a generated corpus, made once and cached.  The generator in
# ../shared/tools is the one speed targets are judged on; without it, the
# bundled example documents are repeated to size.
corpus_gen() { # DIR KIND MB
  out="$1/corpus$3.$2"
  if [ ! -s "$out" ]; then
    gen=../shared/tools/make_corpus.py
    if [ -f "$gen" ] && command -v python3 > /dev/null; then
      python3 "$gen" --kind "$2" --mb "$3" --seed 42 -o "$out"
    else
      src=examples/article.txt
      [ "$2" = md ] && [ -f examples/guide.md ] && src=examples/guide.md
      : > "$out"
      while [ "$(stat -c %s "$out")" -lt "$(($3 * 1000000))" ]; do
        for i in 1 2 3 4 5 6 7 8 9 10; do cat "$src"; echo; done >> "$out"
      done
    fi
  fi
  echo "$out"
}
corpus_txt() { corpus_gen "$1" txt "$2"; }
corpus_md() { corpus_gen "$1" md "$2"; }
