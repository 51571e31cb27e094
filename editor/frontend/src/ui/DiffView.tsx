/** A side-by-side text diff of two JSON documents (CodeMirror merge view). Loaded lazily. */
import { useEffect, useRef } from "react";
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { json } from "@codemirror/lang-json";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";

export default function DiffView({ a, b }: { a: string; b: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const ext = [lineNumbers(), json(), syntaxHighlighting(defaultHighlightStyle), EditorState.readOnly.of(true), EditorView.editable.of(false)];
    const mv = new MergeView({
      parent: host.current!,
      a: { doc: a, extensions: ext },
      b: { doc: b, extensions: ext },
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    return () => mv.destroy();
  }, [a, b]);
  return <div className="diff-view" ref={host} data-testid="diff-view" />;
}
