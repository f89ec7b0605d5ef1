"""Reading a document (`reading`: its math, comments, prose and declarations), understanding it
(`meaning`: each display's role, the scope that grows top to bottom, unknown functions) and
planning its chains (`planning`). `engine.grade` checks the plan; `engine.render.grade` shows it."""
