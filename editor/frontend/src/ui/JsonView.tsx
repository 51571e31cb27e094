/** The JSON view (CodeMirror 6), kept in two-way sync with the store. Loaded lazily. */
import { useEffect, useRef } from "react";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, highlightActiveLineGutter } from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { linter, lintGutter } from "@codemirror/lint";
import { bracketMatching, foldGutter, foldKeymap, syntaxHighlighting, defaultHighlightStyle, HighlightStyle } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { tags } from "@lezer/highlight";
import { store, useStore } from "../store";

// colours come from CSS variables so that the light and dark themes both read well
const themedHighlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--cm-prop)" },
  { tag: tags.string, color: "var(--cm-string)" },
  { tag: tags.number, color: "var(--cm-number)" },
  { tag: [tags.bool, tags.null], color: "var(--cm-keyword)" },
]);

export default function JsonView() {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const text = useStore((s) => s.jsonText);
  const error = useStore((s) => s.jsonError);

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: store.get().jsonText,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          closeBrackets(),
          highlightSelectionMatches(),
          json(),
          linter(jsonParseLinter(), { delay: 300 }),
          lintGutter(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          syntaxHighlighting(themedHighlight),
          // one undo history for canvas and text: Mod-z goes to the store, not to CodeMirror
          keymap.of([
            { key: "Mod-z", run: () => (store.undo(), true), preventDefault: true },
            { key: "Mod-Shift-z", run: () => (store.redo(), true), preventDefault: true },
            { key: "Mod-y", run: () => (store.redo(), true), preventDefault: true },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...foldKeymap,
            indentWithTab,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(External))) store.editJson(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ "aria-label": "Workflow definition JSON" }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  // the store changed from elsewhere (canvas, inspector, undo): replace the text, keep the cursor near
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const cur = v.state.doc.toString();
    if (cur === text) return;
    const head = Math.min(v.state.selection.main.head, text.length);
    v.dispatch({ changes: { from: 0, to: cur.length, insert: text }, selection: { anchor: head }, annotations: External.of(true) });
  }, [text]);

  return (
    <div className="json-view">
      {error && (
        <div className="banner error" role="alert" data-testid="json-error">
          Invalid JSON — the diagram shows the last valid version. {error}
        </div>
      )}
      <div className="cm-host" ref={host} data-testid="json-editor" />
    </div>
  );
}

import { Annotation } from "@codemirror/state";
const External = Annotation.define<boolean>();
