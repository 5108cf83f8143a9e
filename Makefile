# btc-realtime: the operator's commands. `make help` lists them.
SHELL := /bin/bash
# BTC_PROFILE and every other setting come from the environment and .env, which bin/env.sh and the scripts read
# (scripts/lib/dotenv.ts); make does not set them, so that a BTC_PROFILE in .env is the one every command uses.
CTL := supervisorctl -c supervisord.conf

.PHONY: kafka-add-broker kafka-rebalance kafka-drain kafka-remove-broker kafka-partitions
.PHONY: help setup up demo replay chaos down status test test-unit test-integration lint format check bench kibana-import clean rebuild snapshot restore

help: ## this list
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

setup: ## install everything (Debian packages, Bun, npm deps, Kafka and Elasticsearch from Maven Central)
	@bash scripts/setup/install.sh

up: ## start the clusters of BTC_PROFILE, wait until ready, create topics and indices, start the pipeline (live sources)
	@UP_MODE=live bash scripts/setup/up.sh

demo: setup ## the whole platform on simulated data (no internet needed)
	@UP_MODE=simulate SOURCE_MODE=simulate bash scripts/setup/up.sh

replay: ## replay a capture into the running platform and wait until it is processed: make replay FILE=x.jsonl SPEED=max
	@FILE="$(FILE)" SPEED="$(SPEED)" bash scripts/setup/replay.sh

down: ## stop every program and supervisord
	@if $(CTL) pid >/dev/null 2>&1; then $(CTL) stop all && $(CTL) shutdown; else echo "supervisord is not running"; fi

status: ## the truth about the clusters and the pipeline
	@bun scripts/setup/status.ts

lint: ## format check, lint, type-check
	@bunx biome ci --colors=off .
	@bunx tsc --noEmit -p .

format: ## format the code in place
	@bunx biome check --write .

test-unit: ## unit tests (no cluster)
	@bun test scripts

test-integration: ## integration tests against real Kafka and Elasticsearch (started here, profile full)
	@bash tests/run-integration.sh

test: lint test-unit test-integration ## everything CI runs

bench: ## throughput of the pipeline as ratios of this machine's own ceilings
	@bun scripts/bench/bench.ts

chaos: ## faults in flight (bolts killed, brokers frozen and killed, ES down), figures reconciled: CHAOS_CONFIRM=yes make chaos
	@bun scripts/chaos/chaos.ts

kibana-import: ## send kibana-export.ndjson to KIBANA_URL's saved-objects import API
	@bun scripts/setup/kibana-import.ts

secure-sync: ## BTC_SECURE=1: apply BTC_SECRETS' passwords (after a rotation or a new user) and the ACLs to the running clusters
	@bash scripts/setup/secure-sync.sh

clean: ## stop everything and delete the data of the profile (its brokers' logs, its nodes' data); installs are kept: CLEAN_CONFIRM=yes make clean
	@. bin/env.sh && echo "make clean stops every program and deletes profile $$BTC_PROFILE's data: every topic's records" \
	  "($$BTC_DATA/kafka-*) and every index ($$ES_DATA/es-*/data, config, logs). Installs, var/secrets and .env stay."
	@if [ "$${CLEAN_CONFIRM:-}" != yes ]; then echo "refused: nothing stopped or deleted. To go on: CLEAN_CONFIRM=yes make clean" >&2; exit 1; fi
	@$(MAKE) --no-print-directory down
	. bin/env.sh && rm -rf "$$BTC_DATA"/kafka-* && for d in "$$ES_DATA"/es-*; do rm -rf "$$d"/data "$$d"/config "$$d"/logs; done

kafka-add-broker: ## scenario 1: add a broker to the running Kafka cluster (ports 9095-9097), then make kafka-rebalance
	@bun scripts/scale/broker-add.ts $(if $(PORT),--port $(PORT))

kafka-rebalance: ## move an even share of the platform's partition replicas onto every broker (Kafka's reassignment, throttled, verified)
	@bun scripts/scale/reassign.ts rebalance $(if $(TOPICS),--topics $(TOPICS)) $(if $(THROTTLE),--throttle $(THROTTLE))

kafka-drain: ## move every replica off a broker: make kafka-drain BROKER=4
	@bun scripts/scale/reassign.ts drain --broker "$(BROKER)" $(if $(THROTTLE),--throttle $(THROTTLE))

kafka-remove-broker: ## stop and unregister a drained broker added by kafka-add-broker: make kafka-remove-broker BROKER=4
	@bun scripts/scale/broker-remove.ts --broker "$(BROKER)"

kafka-partitions: ## raise the partitions of the platform's topics live: make kafka-partitions PARTITIONS=18
	@bun scripts/scale/partitions.ts --partitions "$(PARTITIONS)" $(if $(TOPICS),--topics $(TOPICS))

rebuild: ## rebuild every index from Kafka into a new generation, swap the aliases; refused if Kafka lost history the indices hold: REBUILD_CONFIRM=yes make rebuild (docs/operations.md)
	@bun scripts/setup/rebuild.ts

snapshot: ## snapshot every index (with the bolts' Kafka offsets) into the repository under var/: docs/backups.md
	@bun scripts/backup/snapshot.ts

restore: ## restore a snapshot (RESTORE_SNAPSHOT, default the newest) into an empty cluster, bolts resume from its offsets; over existing indices: RESTORE_CONFIRM=yes make restore
	@bun scripts/backup/restore.ts
