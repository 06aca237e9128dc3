package netzwerkatlas;

import java.io.File;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.TimeFormat;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.Project;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Imports GEXF or GraphML files with Gephi's own toolkit, as Gephi desktop does (the importer
 * chosen by the file's extension, the import report checked, the default processor into a new
 * workspace, the container's default edge merge), and prints what arrived as one JSON object:
 * {@code {"<file>": {"nodes", "edges", "directed", "dynamic", "time_format", "types",
 * "edge_list": [{"id", "source", "target", "type", "intervals"}], "issues"}}}.
 */
public final class GephiCheck {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: GephiCheck FILE...");
            System.exit(2);
        }
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        projects.newProject();
        Project project = projects.getCurrentProject();
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < args.length; i++) {
            File file = new File(args[i]);
            Workspace workspace = projects.newWorkspace(project);
            projects.openWorkspace(workspace);
            Container container = importer.importFile(file);
            if (container == null) {
                throw new IllegalStateException("Gephi has no importer for " + file);
            }
            container.verify();
            List<Issue> issues = new ArrayList<>(container.getReport().getIssuesList(100));
            importer.process(container, new DefaultProcessor(), workspace);
            GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
            if (i > 0) {
                out.append(',');
            }
            out.append(json(file.getPath())).append(':');
            describe(model, issues, out);
        }
        System.out.println(out.append('}'));
        System.exit(0);
    }

    private static void describe(GraphModel model, List<Issue> issues, StringBuilder out) {
        Graph graph = model.getGraph();
        Map<String, Integer> types = new TreeMap<>();
        StringBuilder edges = new StringBuilder("[");
        boolean first = true;
        for (Edge e : graph.getEdges()) {
            String type = String.valueOf(e.getTypeLabel());
            types.merge(type, 1, Integer::sum);
            if (!first) {
                edges.append(',');
            }
            first = false;
            edges.append("{\"id\":").append(json(String.valueOf(e.getId())))
                .append(",\"source\":").append(json(String.valueOf(e.getSource().getId())))
                .append(",\"target\":").append(json(String.valueOf(e.getTarget().getId())))
                .append(",\"type\":").append(json(type))
                .append(",\"intervals\":").append(intervals(e, model.getTimeFormat()))
                .append('}');
        }
        edges.append(']');
        out.append("{\"nodes\":").append(graph.getNodeCount())
            .append(",\"edges\":").append(graph.getEdgeCount())
            .append(",\"directed\":").append(model.isDirected())
            .append(",\"dynamic\":").append(model.isDynamic())
            .append(",\"time_format\":").append(json(String.valueOf(model.getTimeFormat())))
            .append(",\"types\":{");
        first = true;
        for (Map.Entry<String, Integer> t : types.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(json(t.getKey())).append(':').append(t.getValue());
        }
        out.append("},\"edge_list\":").append(edges).append(",\"issues\":[");
        first = true;
        for (Issue issue : issues) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"level\":").append(json(String.valueOf(issue.getLevel())))
                .append(",\"message\":").append(json(issue.getMessage())).append('}');
        }
        out.append("]}");
    }

    /** The edge's time intervals as [[start, end], ...]: ISO dates for a date time format. */
    private static String intervals(Edge e, TimeFormat format) {
        Interval[] intervals = e.getIntervals();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; intervals != null && i < intervals.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[').append(json(time(intervals[i].getLow(), format))).append(',')
                .append(json(time(intervals[i].getHigh(), format))).append(']');
        }
        return sb.append(']').toString();
    }

    private static String time(double t, TimeFormat format) {
        if (Double.isInfinite(t)) {
            return t > 0 ? "inf" : "-inf";
        }
        if (format == TimeFormat.DATE || format == TimeFormat.DATETIME) {
            return Instant.ofEpochMilli((long) t).atZone(ZoneOffset.UTC).toLocalDate().toString();
        }
        return Double.toString(t);
    }

    private static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
