// Package staff is the domain of the people who work cases in the web
// console: clerks, reviewers, supervisors and administrators. It holds
// their accounts and the lock-out of their logins, the claims that say who
// works a case, the work queues, the supervision figures, counter intake
// (一窗受理) of walk-in applicants and the library check of verification on
// completion.
//
// Its ports are Store (accounts, claims, queues, walk-in applicants and
// statistics; models.StaffStore), Passwords (models.PasswordHasher), Cases
// (the case workflow, *workflow.Service) and, for counter intake and the
// library check, the parties: Population, Licences, Credit, Citizens,
// Holders, Numbers, Sealer and Scans.
package staff
