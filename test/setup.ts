// Run before each test file (vitest setupFiles): the temp folders the file made are removed after it.
import { afterAll } from "vitest";
import { removeTempDirs } from "./helpers/repo.js";

afterAll(removeTempDirs);
