// Package deploy holds the configuration files of beamline's cluster — the
// Hadoop core-site.xml and hdfs-site.xml, Flink's config.yaml and MongoDB's
// init script that docker-compose.yml mounts into the containers — and the
// tests that check the compose file, these files, the Dockerfile and
// .env.example against what the code expects (ports, URLs, defaults,
// credentials). It has no code of its own; docs/cluster.md explains the stack.
package deploy
