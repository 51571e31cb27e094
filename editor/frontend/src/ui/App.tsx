import { DefinitionsPage } from "./DefinitionsPage";
import { EditorPage } from "./EditorPage";
import { useRoute } from "./router";
import { useTheme } from "./theme";

export function App() {
  const route = useRoute();
  const [theme, toggleTheme] = useTheme();
  if (route.page === "editor" && route.name)
    return <EditorPage key={route.name} route={route} theme={theme} toggleTheme={toggleTheme} />;
  return <DefinitionsPage theme={theme} toggleTheme={toggleTheme} />;
}
