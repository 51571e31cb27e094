import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { resolve } from "path";

// Built into /static/editor/ and served by Django (WhiteNoise) at /static/editor/.
// The Django view reads .vite/manifest.json to include the hashed entry and its CSS.
export default defineConfig({
  plugins: [react()],
  base: "/static/editor/",
  build: {
    outDir: resolve(__dirname, "../../static/editor"),
    emptyOutDir: true,
    manifest: true,
    target: "es2020",
    chunkSizeWarningLimit: 900,
    // Two entries: the editor, and the run page's read-only diagram (the same Canvas component).
    rollupOptions: { input: ["src/main.tsx", "src/run.tsx"] },
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
