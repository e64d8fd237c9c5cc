import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.omegat.core.Core;
import org.omegat.core.data.ProjectProperties;
import org.omegat.core.data.RealProject;
import org.omegat.gui.glossary.GlossaryEntry;
import org.omegat.gui.glossary.GlossaryReaderTBX;
import org.omegat.gui.glossary.GlossaryReaderTSV;
import org.omegat.util.ProjectFileStorage;

/**
 * OmegaT's own glossary readers and writer, on a project loaded as its console mode loads it
 * (Main.selectProjectConsoleMode): args are the project, then glossary files to read (TBX or
 * TSV, each entry printed as "file TAB source TAB targets TAB comment"), and "--copy-to=FILE"
 * to append every entry read so far to FILE with the writer OmegaT uses when a translator
 * adds a term (GlossaryReaderTSV.append).
 */
public class GlossaryProbe {
    public static void main(String[] args) throws Exception {
        Core.initializeConsole(new TreeMap<String, String>());
        ProjectProperties props = ProjectFileStorage.loadProjectProperties(new File(args[0]));
        RealProject project = new RealProject(props);
        project.loadProject(true);
        Core.setProject(project);
        List<GlossaryEntry> seen = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--copy-to=")) {
                File target = new File(args[i].substring("--copy-to=".length()));
                for (GlossaryEntry e : seen) {
                    for (String loc : e.getLocTerms(false)) {
                        GlossaryReaderTSV.append(target, new GlossaryEntry(e.getSrcText(), loc,
                                                                           e.getCommentText(), false));
                    }
                }
                continue;
            }
            File file = new File(args[i]);
            List<GlossaryEntry> entries = file.getName().endsWith(".tbx")
                ? GlossaryReaderTBX.read(file, false) : GlossaryReaderTSV.read(file, false);
            for (GlossaryEntry e : entries) {
                System.out.println("GLOSSARY\t" + file.getName() + "\t" + e.getSrcText() + "\t"
                    + String.join("|", e.getLocTerms(false)) + "\t" + e.getCommentText());
            }
            seen.addAll(entries);
        }
        project.closeProject();
        System.exit(0);
    }
}
