package probe

import (
	"context"

	"github.com/beamline/beamline/internal/hdfs"
)

// HadoopInfo is what the namenode reports: the original read the same
// figures from the namenode's JMX (CapacityTotal, FilesTotal,
// NumLiveDataNodes…).
type HadoopInfo struct {
	Namenode              string `json:"namenode"`
	TotalCapacity         int64  `json:"total_capacity"`
	UsedCapacity          int64  `json:"used_capacity"`
	AvailableCapacity     int64  `json:"available_capacity"`
	TotalFiles            int64  `json:"total_files"`
	TotalDirectories      int64  `json:"total_directories"`
	TotalBytes            int64  `json:"total_bytes"`
	UnderReplicatedBlocks int64  `json:"under_replicated_blocks"`
	CorruptBlocks         int64  `json:"corrupt_blocks"`
	MissingBlocks         int64  `json:"missing_blocks"`
	// LiveNodes and DeadNodes are nil when the namenode refused the
	// datanode report (it requires superuser rights); NodesError says why.
	LiveNodes  *int   `json:"live_nodes"`
	DeadNodes  *int   `json:"dead_nodes"`
	NodesError string `json:"nodes_error,omitempty"`
}

// checkHDFS asks the namenode for its filesystem statistics, the content
// summary of / and its live and dead datanodes.
func checkHDFS(ctx context.Context, url string) Service {
	fail := func(err error) Service {
		return Service{Status: Disconnected, Info: map[string]any{"namenode": url}, Error: err.Error()}
	}
	nn, err := hdfs.Resolve(ctx, url)
	if err != nil {
		return fail(err)
	}
	fs, err := nn.Client.StatFs()
	if err != nil {
		return fail(&hdfs.Error{URL: url, Op: "getFsStats", Namenode: nn.Name, Err: err})
	}
	cs, err := nn.Client.GetContentSummary("/")
	if err != nil {
		return fail(&hdfs.Error{URL: url, Op: "getContentSummary /", Namenode: nn.Name, Err: err})
	}
	info := &HadoopInfo{
		Namenode: nn.Name, TotalCapacity: int64(fs.Capacity), UsedCapacity: int64(fs.Used),
		AvailableCapacity: int64(fs.Remaining), TotalFiles: int64(cs.FileCount()),
		TotalDirectories: int64(cs.DirectoryCount()), TotalBytes: cs.Size(),
		UnderReplicatedBlocks: int64(fs.UnderReplicated), CorruptBlocks: int64(fs.CorruptBlocks),
		MissingBlocks: int64(fs.MissingBlocks),
	}
	if live, dead, err := datanodes(ctx, nn); err != nil {
		info.NodesError = err.Error()
	} else {
		info.LiveNodes, info.DeadNodes = &live, &dead
	}
	return Service{Status: Connected, Info: info}
}
