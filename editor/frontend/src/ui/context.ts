import { createContext, useContext } from "react";
import type { InsertPoint, Path } from "../model/types";

export interface Actions {
  readOnly: boolean;
  openPalette: (insert: InsertPoint, anchor: { x: number; y: number }) => void;
  select: (path: Path | null) => void;
  addCase: (switchPath: Path) => void;
  addBranch: (forkPath: Path) => void;
  renameCase: (switchPath: Path, from: string) => void;
  removeCase: (switchPath: Path, key: string) => void;
  removeBranch: (forkPath: Path, index: number) => void;
  openRunTask: (ref: string) => void;
}

export const ActionsContext = createContext<Actions | null>(null);
export const useActions = () => useContext(ActionsContext)!;
