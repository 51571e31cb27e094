/** Conductor WorkflowDef / WorkflowTask as plain JSON (unknown fields are kept untouched). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Task = { name?: string; taskReferenceName?: string; type?: string; [key: string]: any };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkflowDef = { name?: string; version?: number; tasks: Task[]; [key: string]: any };

/**
 * A location in the definition: the JSON path from the definition root.
 * A list path ends at a task list: ["tasks"], ["tasks", 2, "decisionCases", "gold"],
 * ["tasks", 3, "forkTasks", 1], ["tasks", 4, "loopOver"], ["tasks", 2, "defaultCase"].
 * A task path is a list path followed by an index: ["tasks", 0].
 */
export type Path = (string | number)[];

export interface InsertPoint {
  list: Path;
  index: number;
}
