// The OWL API's OWL 2 DL profile checker, run on ontology documents, each on its own.
//
// Usage (Java 11+ runs a single source file directly; the OWL API jar ships with owlready2):
//   java -cp owlapi-distribution-3.4.3-bin.jar Owl2DlProfile.java one.owl [two.owl ...]
// For each document, in order: a line "document<TAB>its path", one line per violation (its
// kind, a tab, the OWL API's message), then IN or OUT. Each document is loaded by a manager of
// its own, so that none sees another's axioms.
// Exit code: 0 when every document is in the profile, 1 otherwise.

import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class Owl2DlProfile {
    public static void main(String[] args) throws Exception {
        boolean allInside = true;
        for (String path : args) {
            System.out.println("document\t" + path);
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            for (OWLProfileViolation violation : report.getViolations()) {
                String message = violation.toString().replace('\n', ' ');
                System.out.println(violation.getClass().getSimpleName() + "\t" + message);
            }
            System.out.println(report.isInProfile() ? "IN" : "OUT");
            allInside &= report.isInProfile();
        }
        System.exit(allInside ? 0 : 1);
    }
}
