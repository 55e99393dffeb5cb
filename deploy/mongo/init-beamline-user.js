// Creates beamline's own MongoDB user. The mongo image runs the scripts of
// /docker-entrypoint-initdb.d once, on the first start of an empty data
// volume, as the root user of MONGO_INITDB_ROOT_USERNAME; changing .env later
// does not change existing users (see docs/cluster.md).
//
// beamline gets readWrite on its database (collections, indexes, documents)
// and clusterMonitor (serverStatus, for /api/system/status), nothing more:
// the root account stays with mongo-express and the administrator.
const user = process.env.BEAMLINE_MONGO_USER;
const pwd = process.env.BEAMLINE_MONGO_PASSWORD;
if (!user || !pwd) {
  throw new Error('BEAMLINE_MONGO_USER and BEAMLINE_MONGO_PASSWORD must be set (see .env.example)');
}
db.getSiblingDB('bigdata').createUser({
  user: user,
  pwd: pwd,
  roles: [
    { role: 'readWrite', db: 'bigdata' },
    { role: 'clusterMonitor', db: 'admin' },
  ],
});
print('created MongoDB user ' + user + ' on bigdata');
