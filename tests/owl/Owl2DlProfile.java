// The OWL API's OWL 2 DL profile checker, run on one ontology document.
//
// Usage (Java 11+ runs a single source file directly; the OWL API jar ships with owlready2):
//   java -cp owlapi-distribution-3.4.3-bin.jar Owl2DlProfile.java ontology.owl
// Prints one line per violation (its kind, a tab, the OWL API's message), then IN or OUT.
// Exit code: 0 in the profile, 1 out of it.

import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class Owl2DlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            String message = violation.toString().replace('\n', ' ');
            System.out.println(violation.getClass().getSimpleName() + "\t" + message);
        }
        System.out.println(report.isInProfile() ? "IN" : "OUT");
        System.exit(report.isInProfile() ? 0 : 1);
    }
}
