// The ingest suite against SQLite (the laptop default).
import test from "ava";
import { ingestSuite } from "./support/ingest-suite.ts";

ingestSuite(test, "sqlite", { make: async () => "sqlite" });
