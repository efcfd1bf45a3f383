"""The Routine Explorer vocabulary as a closed rdflib namespace.

GENERATED FILE - DO NOT EDIT. Regenerate with::

    python scripts/generate_namespace.py

from ontology/routine-explorer.ttl, ontology/schemes.ttl and
ontology/presentation.ttl. ``RX`` is a ``DefinedNamespace`` with ``_fail = True``:
an unknown name such as ``RX.Rotuine`` raises ``AttributeError``. The W3C and
other namespaces the project reuses are re-exported from ``rdflib.namespace``.

Examples
--------
>>> str(RX.Routine)
'https://w3id.org/routine-explorer/ns#Routine'
>>> str(RX["from"])  # a Python keyword, so item access
'https://w3id.org/routine-explorer/ns#from'
>>> RX.NoSuchTerm
Traceback (most recent call last):
...
AttributeError: term 'NoSuchTerm' not in namespace 'https://w3id.org/routine-explorer/ns#'
"""

from __future__ import annotations

from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "RX",
    "RX_IRI",
    "ORG",
    "FOAF",
    "PROV",
    "SKOS",
    "DCTERMS",
    "RDF",
    "RDFS",
    "OWL",
    "XSD",
    "SH",
    "VOID",
]

#: The namespace IRI of the Routine Explorer ontology.
RX_IRI = "https://w3id.org/routine-explorer/ns#"


class RX(DefinedNamespace):
    """Routine Explorer ontology terms (version 0.1.0)."""

    _NS = Namespace("https://w3id.org/routine-explorer/ns#")
    _fail = True

    # Terms whose names are Python keywords: use RX["from"], not RX.from.
    _extras = ['from']

    # --- classes ---
    Actor: URIRef  # Actor
    AnalysisReason: URIRef  # Reason
    AnalysisRun: URIRef  # Analysis run
    Artefact: URIRef  # Artefact
    ChangeComponent: URIRef  # Change component
    ChangeProposal: URIRef  # Change proposal
    Collaborative: URIRef  # Collaborative
    Disruption: URIRef  # Disruption
    ExternalBody: URIRef  # External body
    ExternalForce: URIRef  # External force
    ForceInfluence: URIRef  # External force bearing
    HybridLeader: URIRef  # Hybrid leader
    InfluenceTie: URIRef  # Influence tie
    Initiative: URIRef  # Initiative
    Interdependency: URIRef  # Interdependency
    Lever: URIRef  # Lever
    Norm: URIRef  # Norm
    NormSubscription: URIRef  # Norm subscription
    OpinionLeader: URIRef  # Opinion leader
    Organisation: URIRef  # Organisation
    Performance: URIRef  # Performance
    Person: URIRef  # Person
    ProfessionalGroup: URIRef  # Professional group
    QualifiedTie: URIRef  # Qualified tie
    ResistancePoint: URIRef  # Point of likely resistance
    Role: URIRef  # Role
    Routine: URIRef  # Routine
    Scenario: URIRef  # Scenario
    SourceRecord: URIRef  # Source
    Stance: URIRef  # Stance
    TaskReallocation: URIRef  # Task reallocation
    Unit: URIRef  # Unit

    # --- object properties ---
    addedGraph: URIRef  # added statements
    adoptedBy: URIRef  # adopted by
    advises: URIRef  # advises
    alignsWith: URIRef  # aligns with
    analysedChange: URIRef  # analysed change
    backedBy: URIRef  # backed by
    bearsOn: URIRef  # bears on
    bodyKind: URIRef  # body kind
    byChange: URIRef  # by change
    concerns: URIRef  # concerns
    direction: URIRef  # direction
    disrupts: URIRef  # disrupts
    evidence: URIRef  # evidence
    exertedBy: URIRef  # exerted by
    feedsBackDataTo: URIRef  # feeds back data to
    forceKind: URIRef  # force kind
    governedBy: URIRef  # governed by
    hasComponent: URIRef  # has component
    hasLever: URIRef  # has lever
    hasPoint: URIRef  # has point
    hasReason: URIRef  # has reason
    influences: URIRef  # influences
    inscribes: URIRef  # inscribes
    interdependenceType: URIRef  # interdependence type
    interdependentWith: URIRef  # interdependent with
    introduces: URIRef  # introduces
    issuedBy: URIRef  # issued by
    lateralSupport: URIRef  # lateral support
    ledBy: URIRef  # led by
    level: URIRef  # level
    normKind: URIRef  # norm kind
    ofProfession: URIRef  # of profession
    ownedBy: URIRef  # owned by
    parameter: URIRef  # parameter
    performanceOf: URIRef  # performance of
    performs: URIRef  # performs
    pillar: URIRef  # pillar
    reallocatesTask: URIRef  # reallocates task
    removedGraph: URIRef  # removed statements
    replaces: URIRef  # replaces
    roleKind: URIRef  # role kind
    rolledOutTo: URIRef  # rolled out to
    runsConcurrentlyWith: URIRef  # runs concurrently with
    shownScenario: URIRef  # shown scenario
    sourceKind: URIRef  # source kind
    sponsoredBy: URIRef  # sponsored by
    sponsorshipMode: URIRef  # sponsorship mode
    spreadLogic: URIRef  # spread logic
    subscribesTo: URIRef  # subscribes to
    task: URIRef  # task
    to: URIRef  # to
    usesArtefact: URIRef  # uses artefact
    violates: URIRef  # violates
    withRespectTo: URIRef  # with respect to

    # --- datatype properties ---
    absorptiveCapacity: URIRef  # absorptive capacity
    attitude: URIRef  # attitude
    canvasX: URIRef  # canvas x
    canvasY: URIRef  # canvas y
    changeFatigue: URIRef  # change fatigue
    compatibility: URIRef  # compatibility
    complexity: URIRef  # complexity
    confidence: URIRef  # confidence
    contribution: URIRef  # contribution
    degree: URIRef  # degree of disruption
    dispositionalResistance: URIRef  # dispositional resistance
    divergence: URIRef  # divergence
    drivingSum: URIRef  # driving sum
    embeddedness: URIRef  # embeddedness
    exposedShare: URIRef  # share likely to resist
    exposedShareHigh: URIRef  # share likely to resist, high
    exposedShareLow: URIRef  # share likely to resist, low
    formalAuthority: URIRef  # formal authority
    formality: URIRef  # formality
    headcount: URIRef  # people represented
    influence: URIRef  # influence
    leverEffect: URIRef  # lever effect
    likelihood: URIRef  # likelihood
    likelihoodHigh: URIRef  # likelihood, high
    likelihoodLow: URIRef  # likelihood, low
    magnitude: URIRef  # magnitude
    mechanism: URIRef  # mechanism
    missingInput: URIRef  # missing input
    observability: URIRef  # observability
    order: URIRef  # order
    peopleExposed: URIRef  # people exposed
    peopleLikelyToResist: URIRef  # people likely to resist
    peopleLikelyToResistHigh: URIRef  # people likely to resist, high
    peopleLikelyToResistLow: URIRef  # people likely to resist, low
    rank: URIRef  # rank
    rankHigh: URIRef  # worst rank
    rankLow: URIRef  # best rank
    readiness: URIRef  # readiness
    reasonKind: URIRef  # kind of reason
    relativeAdvantage: URIRef  # relative advantage
    resourceAdequacy: URIRef  # resource adequacy
    restrainingSum: URIRef  # restraining sum
    sanctionSeverity: URIRef  # sanction severity
    score: URIRef  # score
    stability: URIRef  # stability
    strength: URIRef  # strength
    tensionForChange: URIRef  # tension for change
    trial: URIRef  # trial
    trialability: URIRef  # trialability
    workload: URIRef  # workload

    # --- annotation properties ---
    colour: URIRef  # colour
    construct: URIRef  # theoretical construct
    defaultLevel: URIRef  # default level
    detailsTie: URIRef  # details tie
    inspectorProperties: URIRef  # inspector properties
    lineStyle: URIRef  # line style
    lineWidth: URIRef  # line width
    menuLabel: URIRef  # menu label
    menuOrder: URIRef  # menu order
    menuPair: URIRef  # menu pair
    neutralValue: URIRef  # neutral value
    paletteGroup: URIRef  # palette group
    paletteOrder: URIRef  # palette order
    scaleMax: URIRef  # scale maximum
    scaleMin: URIRef  # scale minimum
    shape: URIRef  # shape
    singleValued: URIRef  # single valued
    tieFamily: URIRef  # tie family
    valueScheme: URIRef  # value scheme

    # --- concept schemes ---
    BodyKindScheme: URIRef  # Kinds of external body
    ForceDirectionScheme: URIRef  # Force directions
    ForceKindScheme: URIRef  # Kinds of external force
    FurtherConstructScheme: URIRef  # Further constructs
    InterdependenceTypeScheme: URIRef  # Thompson's interdependence types
    LevelScheme: URIRef  # Levels
    NasssScheme: URIRef  # NASSS framework domains
    NormKindScheme: URIRef  # Norm kinds
    NptScheme: URIRef  # Normalisation process theory
    PaletteGroupScheme: URIRef  # Palette groups
    RogersGreenhalghScheme: URIRef  # Diffusion of innovations (Rogers; Greenhalgh et al. 2004)
    RoleKindScheme: URIRef  # Role kinds
    ScottPillarScheme: URIRef  # Scott's pillars of institutions
    SourceKindScheme: URIRef  # Source kinds
    SponsorshipModeScheme: URIRef  # Sponsorship modes
    SpreadLogicScheme: URIRef  # Logics of spread
    TieFamilyScheme: URIRef  # Tie families

    # --- concepts ---
    academicRole: URIRef  # academic
    administrativeRole: URIRef  # administrative
    affectiveCooptation: URIRef  # co-optation through strong ties
    battilanaDivergence: URIRef  # divergence of a change
    bodyAcademic: URIRef  # academic body
    bodyCommercial: URIRef  # commercial actor
    bodyFunder: URIRef  # funder
    bodyGovernment: URIRef  # government
    bodyMedia: URIRef  # media
    bodyProfessional: URIRef  # professional body
    bodyPublicOrPatientGroup: URIRef  # public or patient group
    bodyRegulator: URIRef  # regulator
    burtBrokerage: URIRef  # brokerage across structural holes
    changeFatigueConstruct: URIRef  # change fatigue
    clinicalRole: URIRef  # clinical
    culturalCognitive: URIRef  # cultural-cognitive pillar
    custom: URIRef  # custom
    dixonWoodsLateralNetworks: URIRef  # lateral networks and normative pressure
    documentSource: URIRef  # document
    driving: URIRef  # driving
    ecologicalLogic: URIRef  # ecological (complexity science)
    familyDisruption: URIRef  # disrupts a routine
    familyInfluence: URIRef  # influences
    familyInterdependency: URIRef  # depends on / interdependent
    familyMembership: URIRef  # belongs to
    familyOther: URIRef  # other relation
    familyStance: URIRef  # stance towards the change
    familyViolation: URIRef  # violates a norm
    feldmanOstensive: URIRef  # ostensive aspect of a routine
    feldmanPerformative: URIRef  # performative aspect of a routine
    forceCommercialInterests: URIRef  # commercial and vested interests
    forceFunding: URIRef  # funding
    forceLawsAndPolicies: URIRef  # laws and policies
    forceMedia: URIRef  # media
    forceProfessionalNorms: URIRef  # professional norms
    forcePublicExpectations: URIRef  # public expectations
    grassroots: URIRef  # grassroots
    greenhalghAbsorptiveCapacity: URIRef  # absorptive capacity
    greenhalghInnovationSystemFit: URIRef  # innovation-system fit
    greenhalghLinkage: URIRef  # linkage
    greenhalghTensionForChange: URIRef  # tension for change
    greenhalghTimeAndResources: URIRef  # dedicated time and resources
    groupChange: URIRef  # Change
    groupEvidence: URIRef  # Evidence
    groupExternal: URIRef  # External bodies and forces
    groupNorms: URIRef  # Norms
    groupOrganisation: URIRef  # Units and organisations
    groupPeople: URIRef  # People and roles
    groupRoutines: URIRef  # Routines and artefacts
    groupTies: URIRef  # Qualified ties
    hybridLeadership: URIRef  # hybrid professional leadership
    interviewSource: URIRef  # interview
    law: URIRef  # law
    lewinForceField: URIRef  # force field
    macro: URIRef  # macro
    managerialRole: URIRef  # managerial
    mechanisticLogic: URIRef  # mechanistic (implementation science)
    meso: URIRef  # meso
    micro: URIRef  # micro
    nasssAdopterSystem: URIRef  # adopter system
    nasssCondition: URIRef  # condition
    nasssEmbeddingOverTime: URIRef  # embedding and adaptation over time
    nasssOrganisation: URIRef  # organisation
    nasssTechnology: URIRef  # technology
    nasssValueProposition: URIRef  # value proposition
    nasssWiderSystem: URIRef  # wider system
    normative: URIRef  # normative pillar
    nptCognitiveParticipation: URIRef  # cognitive participation
    nptCoherence: URIRef  # coherence
    nptCollectiveAction: URIRef  # collective action
    nptLegitimation: URIRef  # legitimation
    nptReflexiveMonitoring: URIRef  # reflexive monitoring
    observationSource: URIRef  # observation
    oregDispositionalResistance: URIRef  # dispositional resistance to change
    policy: URIRef  # policy
    pooled: URIRef  # pooled
    professionallyLed: URIRef  # professionally led
    professionalNorm: URIRef  # professional norm
    reciprocal: URIRef  # reciprocal
    regulation: URIRef  # regulation
    regulative: URIRef  # regulative pillar
    restraining: URIRef  # restraining
    rogersCompatibility: URIRef  # compatibility
    rogersComplexity: URIRef  # complexity
    rogersObservability: URIRef  # observability
    rogersRelativeAdvantage: URIRef  # relative advantage
    rogersTrialability: URIRef  # trialability
    sequential: URIRef  # sequential
    sharedBelief: URIRef  # shared belief
    socialLogic: URIRef  # social (social science)
    standardOperatingProcedure: URIRef  # standard operating procedure
    surveySource: URIRef  # survey
    topDown: URIRef  # top-down
    weinerReadiness: URIRef  # organisational readiness for change
    workshopSource: URIRef  # workshop
